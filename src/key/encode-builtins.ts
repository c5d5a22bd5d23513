/**
 * The built-ins a key accepts besides arrays and plain objects, each by its exact prototype:
 * Map and Set (members sorted by their bytes), Date, RegExp, boxed primitives, the Error types,
 * and the binary types of `encode-binary.ts`. Their layout is drawn in `encode.ts`.
 *
 * They encode their members through the encoder's walk, which `encode.ts` hands in once, when
 * it loads ({@link builtinEncoders}), instead of this module importing it: imports keep pointing
 * one way, and the hot walk stays whole in `encode.ts`, reading its table from a local const.
 */
import { BINARY_TYPES, binary } from './encode-binary.js';
import { byte, copyOut, f64, raw, reserve, str, VARINT_MAX, varint, w } from './writer.js';

type Handler = (o: object) => void;

/**
 * The encoders of the built-ins, by exact prototype, each writing its value at `w.pos`. Built
 * once by `encode.ts` around its own walk: `value` encodes any value at `w.pos`, `fields` the
 * own enumerable string-keyed properties of an object (count, then sorted key/value pairs).
 *
 * @example
 * ```ts
 * const builtins = builtinEncoders(value, fields);
 * builtins.get(Object.getPrototypeOf(o))?.(o); // a Date: 0d <f64 of getTime()>
 * ```
 */
export function builtinEncoders(
  value: (v: unknown) => void,
  fields: (o: object) => void,
): ReadonlyMap<unknown, Handler> {
  function mapOrSet(o: Map<unknown, unknown> | Set<unknown>, tag: number): void {
    byte(tag);
    if (o instanceof Map) {
      sorted(o.size, (emit) => {
        for (const [k, v] of o) {
          value(k);
          value(v);
          emit();
        }
      });
    } else {
      sorted(o.size, (emit) => {
        for (const v of o) {
          value(v);
          emit();
        }
      });
    }
  }

  function boxed(v: unknown): void {
    byte(0x12);
    value(v);
  }

  function error(e: Error): void {
    byte(0x11);
    str(String(e.name));
    str(String(e.message));
    reserve(1);
    if (Object.hasOwn(e, 'cause')) {
      byte(1);
      value(e.cause);
    } else byte(0);
    value(e instanceof AggregateError ? e.errors : undefined);
    fields(e);
  }

  const builtins = new Map<unknown, Handler>([
    [Map.prototype, (o) => mapOrSet(o as Map<unknown, unknown>, 0x0b)],
    [Set.prototype, (o) => mapOrSet(o as Set<unknown>, 0x0c)],
    [
      Date.prototype,
      (o) => {
        byte(0x0d);
        f64((o as Date).getTime());
      },
    ],
    [
      RegExp.prototype,
      (o) => {
        byte(0x0e);
        str((o as RegExp).source);
        str((o as RegExp).flags);
      },
    ],
    [Number.prototype, (o) => boxed(Number.prototype.valueOf.call(o))],
    [String.prototype, (o) => boxed(String.prototype.valueOf.call(o))],
    [Boolean.prototype, (o) => boxed(Boolean.prototype.valueOf.call(o))],
    [BigInt.prototype, (o) => boxed(BigInt.prototype.valueOf.call(o))],
  ]);
  for (const [proto, type] of BINARY_TYPES) builtins.set(proto, (o) => binary(o, type));
  for (const E of [
    Error,
    TypeError,
    RangeError,
    SyntaxError,
    ReferenceError,
    EvalError,
    URIError,
    AggregateError,
  ]) {
    builtins.set(E.prototype, (o) => error(o as Error));
  }
  return builtins;
}

/** Encodes each member into the scratch, then rewrites them ordered by their bytes. */
function sorted(count: number, each: (emit: () => void) => void): void {
  reserve(VARINT_MAX);
  varint(count);
  const start = w.pos;
  const ends: number[] = [];
  each(() => ends.push(w.pos));
  if (count < 2) return;
  const copy = copyOut(start, w.pos);
  const order = ends.map((_, i) => i);
  const from = (i: number) => (i === 0 ? 0 : ends[i - 1]! - start);
  order.sort((x, y) => {
    const a0 = from(x);
    const a1 = ends[x]! - start;
    const b0 = from(y);
    const b1 = ends[y]! - start;
    const n = Math.min(a1 - a0, b1 - b0);
    for (let i = 0; i < n; i++) {
      const d = copy[a0 + i]! - copy[b0 + i]!;
      if (d !== 0) return d;
    }
    return a1 - a0 - (b1 - b0);
  });
  w.pos = start;
  for (const i of order) raw(copy.subarray(from(i), ends[i]! - start));
}
