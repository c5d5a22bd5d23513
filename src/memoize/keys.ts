import { canonicalKey, describeMemoryKey, hashKey, memoryKey, memoryKeyOf } from '../key/index.js';

const instanceIds = new WeakMap<object, number>();
let nextInstance = 1;

/** A process-local number for `this`: keys methods per instance without keeping it alive. */
export function instanceId(self: object): number {
  let id = instanceIds.get(self);
  if (id === undefined) {
    id = nextInstance++;
    instanceIds.set(self, id);
  }
  return id;
}

/** Whether `this` takes part in the key: an object receiver other than the global one. */
export function keyedThis(self: unknown): self is object {
  return (
    (typeof self === 'object' && self !== null && self !== globalThis) || typeof self === 'function'
  );
}

/**
 * The memory tier's key for one argument: the primitive itself, which needs no hashing or
 * string building (a Map tells `1`, `'1'`, `1n` and `true` apart). Composite keys are strings
 * starting with NUL, so a single string argument starting with NUL goes the composite way.
 */
export function singleKey(a: unknown): unknown {
  switch (typeof a) {
    case 'number':
      return a === 0 && 1 / a < 0 ? '\0n:-0' : a;
    case 'string':
      return a.charCodeAt(0) === 0 ? `\0${canonicalKey(a)}` : a;
    case 'boolean':
    case 'undefined':
    case 'bigint':
      return a;
    case 'object':
      return a === null ? null : memoryKey(a);
    default:
      return `\0${canonicalKey(a)}`;
  }
}

/**
 * The memory tier's key for a whole call (several arguments, or a keyed `this`): readable for
 * primitives, the fingerprint of {@link memoryKeyOf} as soon as an object takes part.
 */
export function compositeKey(self: unknown, args: ArrayLike<unknown>): string {
  if (keyedThis(self)) return memoryKeyOf([{ instance: instanceId(self) }, ...Array.from(args)]);
  for (let i = 0; i < args.length; i++) {
    const p = args[i];
    if ((typeof p === 'object' && p !== null) || typeof p === 'function') return memoryKeyOf(args);
  }
  return `\0${canonicalKey(...Array.from(args))}`;
}

/** A key shared tiers (disk, Redis) understand: a 128-bit hash of identity and arguments. */
export function sharedKey(identity: string, self: unknown, args: ArrayLike<unknown>): string {
  return keyedThis(self)
    ? hashKey(identity, { this: self }, ...Array.from(args))
    : hashKey(identity, ...Array.from(args));
}

/** The memory key in readable form, for `keyOf`. */
export function describeKey(key: unknown): string {
  // A fingerprint: shown as the hex of its 16 bytes, the hashKey of the same parts.
  if (typeof key === 'string' && key.startsWith('\0#')) return `h:${describeMemoryKey(key)}`;
  if (typeof key === 'string' && key.charCodeAt(0) === 0) return key.slice(1);
  return canonicalKey(key);
}
