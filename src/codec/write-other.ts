/**
 * The encoder's fallback for objects whose prototype is none of the common ones it checks
 * first (plain object, array, null, Map, Set, Date, Buffer, typed arrays): registered classes,
 * errors, RegExp, ArrayBuffer, DataView and boxed primitives. Anything else cannot be stored
 * and throws {@link UnserializableValue} with a description of what it is.
 */
import type { Encoder } from './encoder.js';
import { T_ARRAY_BUFFER, T_BOXED, T_DATA_VIEW, T_REG_EXP } from './format.js';
import { classOf } from './registry.js';
import { UnserializableValue } from './unserializable-value.js';
import { writeRaw } from './write-binary.js';
import { writeInstance } from './write-class.js';
import { writeError } from './write-error.js';

/**
 * Writes `v`, whose prototype is `proto`, or throws if it cannot be stored. A registered
 * class wins over the built-in handling, except for errors, which keep their Error layout.
 *
 * @throws UnserializableValue for a WeakMap, a Promise, an unregistered class instance, ...
 * @example
 * ```ts
 * writeOther(encoder, /ab+c/gi, RegExp.prototype); // 0xa3 'ab+c' 'gi'
 * ```
 */
export function writeOther(e: Encoder, v: object, proto: object): void {
  const ctor = Object.hasOwn(proto, 'constructor') ? proto.constructor : undefined;
  const entry = typeof ctor === 'function' ? classOf(ctor) : undefined;
  if (v instanceof Error) return writeError(e, v, entry);
  if (entry !== undefined) return writeInstance(e, v, entry);
  if (proto === RegExp.prototype) {
    const re = v as RegExp;
    e.byte(T_REG_EXP);
    e.string(re.source);
    e.string(re.flags);
    return;
  }
  if (proto === ArrayBuffer.prototype) {
    return writeRaw(e, T_ARRAY_BUFFER, new Uint8Array(v as ArrayBuffer));
  }
  if (proto === DataView.prototype) {
    const dv = v as DataView;
    return writeRaw(e, T_DATA_VIEW, new Uint8Array(dv.buffer, dv.byteOffset, dv.byteLength));
  }
  if (
    proto === Boolean.prototype ||
    proto === Number.prototype ||
    proto === String.prototype ||
    proto === BigInt.prototype
  ) {
    e.byte(T_BOXED);
    e.value((proto as { valueOf(): unknown }).valueOf.call(v));
    return;
  }
  throw new UnserializableValue(v, describe(v, ctor));
}

/** What to call an object that cannot be stored, for the error message. */
function describe(v: object, ctor: unknown): string {
  if (v instanceof WeakMap) return 'a WeakMap';
  if (v instanceof WeakSet) return 'a WeakSet';
  if (v instanceof WeakRef) return 'a WeakRef';
  if (v instanceof Promise) return 'a Promise';
  if (typeof SharedArrayBuffer !== 'undefined' && v instanceof SharedArrayBuffer) {
    return 'a SharedArrayBuffer';
  }
  const name = typeof ctor === 'function' && ctor.name ? ctor.name : 'an unknown class';
  return `an instance of ${name} that is not registered`;
}
