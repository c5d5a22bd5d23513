/**
 * The canonical key encoding: one byte string per value, the same in every process, Node
 * version and machine. {@link hashKey} hashes it; nothing ever decodes it. KEY_FORMAT is
 * hashed first, so a change of layout changes every key instead of colliding with old ones.
 *
 * ```
 * key      := KEY_FORMAT(u8 = 1) varint(parts) value*
 * value    := 0x00                      undefined
 *           | 0x01                      null
 *           | 0x02 | 0x03               false | true
 *           | 0x04 f64                  number (LE; one NaN; -0 distinct from 0)
 *           | 0x05 u8(neg) str(hex)     bigint, |v| in lowercase hex
 *           | 0x06 str                  string
 *           | 0x07 varint(n) item*      array; item := value | 0x08 (hole)
 *           | 0x09 varint(n) (str value)*   plain object, keys sorted by UTF-16 code units
 *           | 0x0a varint(n) (str value)*   null-prototype object, same
 *           | 0x0b varint(n) entry*     Map; entry := value(key) value, entries sorted by bytes
 *           | 0x0c varint(n) value*     Set, members sorted by their bytes
 *           | 0x0d f64                  Date, getTime() (invalid = NaN)
 *           | 0x0e str(source) str(flags)   RegExp (lastIndex ignored)
 *           | 0x0f u8(type) varint(len) bytes          binary < 64 KiB, little-endian elements
 *           | 0x10 u8(type) varint(len) digest16*      binary >= 64 KiB: per 256 KiB chunk the
 *                                                      hasher's 16-byte digest of its bytes
 *           | 0x11 str(name) str(message) (0x00 | 0x01 value(cause)) value(errors | undefined)
 *                  varint(n) (str value)*   Error: own enumerable props; the stack is ignored
 *           | 0x12 value                boxed primitive (new Number(1), Object(1n), ...)
 *           | 0x13 str(name) varint(version) value(state)   registered class instance
 *           | 0x14 str(name)            registered function
 *           | 0x15 varint(d)            back-reference to the d-th enclosing container (cycles)
 * str      := varint(UTF-16 length) WTF-8 bytes          (see writer.ts)
 * ```
 *
 * Example: `hashKey({ b: 1, a: 'x' })` hashes
 * `01 01 09 02 01 61 06 01 78 01 62 04 00 00 00 00 00 00 f0 3f`.
 *
 * Decisions:
 * - Value semantics. Only the path to the root is remembered, so a shared (non-cyclic)
 *   sub-value is encoded at each place it appears: `[o, o]` and `[{...o}, {...o}]` are equal.
 *   A cycle becomes a back-reference counted in enclosing containers, which depends neither on
 *   visit order nor on Map/Set insertion order: structurally equal cyclic graphs hash equal.
 * - `{ a: undefined }` and `{}` differ, as do `[ , 1]` and `[undefined, 1]`: the function can
 *   tell them apart (`'a' in o`), and a spurious miss is cheaper than a wrong hit.
 * - Symbol-keyed and non-enumerable properties are ignored, as by `Object.keys`.
 * - Built-ins only by their exact prototype: a subclass of Map is a class like any other and
 *   must be registered. A Buffer and a Uint8Array with the same bytes differ (type byte).
 *
 * Here: the walk over primitives, arrays, plain objects and registered classes, the hot path.
 * Map, Set, Date, RegExp, boxed primitives and errors are in `encode-builtins.ts`, binary values
 * in `encode-binary.ts`, the path in an error message in `key-path.ts`.
 */
import { classOf, functionName } from '../codec/registry.js';
import { KeepsakeError } from '../errors.js';
import { builtinEncoders } from './encode-builtins.js';
import { pathTo } from './key-path.js';
import {
  byte,
  f64At,
  reserve,
  room,
  str,
  strAt,
  VARINT_MAX,
  varint,
  varintAt,
  w,
} from './writer.js';

/** The first byte of every encoding. Bump it when the layout above changes. */
export const KEY_FORMAT = 1;
/** Containers nested deeper than this throw `ERR_TOO_DEEP` rather than overflow the stack. */
export const MAX_DEPTH = 2000;

const OBJECT = 0x09;

/** The enclosing containers of the value being encoded, bottom first. */
const stack: unknown[] = [];
/**
 * Where the encoder is: `depth` containers entered, the current hashKey call's from `base`,
 * and which of its parts is being encoded (for error paths). One object rather than module
 * `let`s, as for the writer's `w` (see writer.ts).
 */
const at = { depth: 0, base: 0 };
/** Per `at.base` (one per hashKey call in progress), the index of the part being encoded. */
const partOf: number[] = [];

/** Encodes `parts` after the current write position; the caller restores state on throw. */
export function encodeParts(parts: ArrayLike<unknown>): void {
  reserve(1 + VARINT_MAX);
  const n = parts.length;
  byte(KEY_FORMAT);
  varint(n);
  let pos = w.pos;
  for (let i = 0; i < n; i++) {
    partOf[at.base] = n === 1 ? -1 : i;
    pos = put(parts[i], pos);
  }
  w.pos = pos;
}

/** Saves the encoder's stack frame so a nested hashKey (from a getter or toState) is safe. */
export function enter(): number {
  const saved = at.base;
  at.base = at.depth;
  return saved;
}

/** Restores what {@link enter} saved, releasing references to the values encoded. */
export function leave(saved: number): void {
  for (let i = at.base; i < at.depth; i++) stack[i] = undefined;
  at.depth = at.base;
  at.base = saved;
}

/**
 * Room every value may use before its first variable-length part: a tag plus a float64, a
 * tag plus a varint, or two tags plus a varint. Writers that need more reserve it themselves
 * (`str`, `raw`, `fields`, and each loop iteration through `value`).
 */
const VALUE_HEAD = 2 + VARINT_MAX + 8;

/**
 * Encodes `v` at `pos` and returns the position after it: the hot path, for primitives, plain
 * objects and arrays, keeps the position in a local. Everything else goes through the
 * `w.pos`-based writers below and in `encode-builtins.ts`. Whenever user code may run (a getter,
 * a Proxy trap, toState), `w.pos` is brought up to date first: a nested hashKey starts writing
 * there, and the buffer may be replaced (`w.buf` is re-read after any such call).
 */
function put(v: unknown, pos: number): number {
  room(pos, VALUE_HEAD);
  switch (typeof v) {
    case 'string':
      w.buf[pos] = 0x06;
      return strAt(v, pos + 1);
    case 'number':
      w.buf[pos] = 0x04;
      return f64At(v, pos + 1);
    case 'boolean':
      w.buf[pos] = v ? 0x03 : 0x02;
      return pos + 1;
    case 'undefined':
      w.buf[pos] = 0x00;
      return pos + 1;
    case 'object':
      if (v === null) {
        w.buf[pos] = 0x01;
        return pos + 1;
      }
      return container(v, pos);
    default:
      w.pos = pos;
      other(v);
      return w.pos;
  }
}

/** {@link put} at `w.pos`, for the writers that keep their position there. */
function value(v: unknown): void {
  w.pos = put(v, w.pos);
}

/** Bigints, registered functions, and what cannot be keyed. */
function other(v: unknown): void {
  switch (typeof v) {
    case 'bigint':
      byte(0x05);
      byte(v < 0n ? 1 : 0);
      str((v < 0n ? -v : v).toString(16));
      return;
    case 'function': {
      const name = functionName(v);
      if (name === undefined) fail(v, 'an unregistered function', 'registerFunction(fn, name)');
      byte(0x14);
      str(name);
      return;
    }
    default:
      fail(v, `a ${typeof v}`, 'pass a string instead');
  }
}

function container(o: object, pos: number): number {
  const depth = at.depth;
  for (let i = at.base; i < depth; i++) {
    if (stack[i] === o) {
      w.buf[pos] = 0x15;
      return varintAt(depth - i, pos + 1);
    }
  }
  if (depth - at.base >= MAX_DEPTH) {
    throw new KeepsakeError('ERR_TOO_DEEP', `value nested deeper than ${MAX_DEPTH} levels`, {
      hint: 'pass a smaller `key` to memoize',
    });
  }
  // No try/finally: on a throw, leave() unwinds the whole stack of this hashKey call.
  stack[depth] = o;
  at.depth = depth + 1;
  w.pos = pos;
  const proto: unknown = Object.getPrototypeOf(o);
  if (proto === Array.prototype) pos = array(o as unknown[], pos);
  else if (proto === Object.prototype) {
    w.buf[pos] = OBJECT;
    pos = fieldsAt(o, pos + 1);
  } else {
    if (proto === null) {
      byte(0x0a);
      fields(o);
    } else builtinOrClass(o, proto as object);
    pos = w.pos;
  }
  stack[depth] = undefined;
  at.depth = depth;
  return pos;
}

function array(a: unknown[], pos: number): number {
  const n = a.length;
  w.buf[pos] = 0x07;
  pos = varintAt(n, pos + 1);
  for (let i = 0; i < n; i++) {
    w.pos = pos;
    const v = a[i];
    if (v === undefined && !(i in a)) {
      room(pos, 1);
      w.buf[pos++] = 0x08;
    } else pos = put(v, pos);
  }
  return pos;
}

/**
 * Per nesting depth, the last key list `fields` saw there and its sorted copy: a memoized
 * function is called again and again with objects of the same shape, and comparing a few
 * keys by identity is cheaper than sorting them. Neither array is ever mutated once cached,
 * so a nested `hashKey` (from a getter) replacing an entry cannot disturb a loop over it.
 */
const seenKeys: Array<string[] | undefined> = [];
const seenSorted: string[][] = [];
/** Objects with more keys are sorted every time and not cached (no large arrays kept alive). */
const CACHED_KEYS = 32;

/** `Object.keys(o)` sorted by UTF-16 code units (the order of `<` and of the default sort). */
function sortedKeys(o: object): string[] {
  const keys = Object.keys(o);
  const n = keys.length;
  if (n < 2) return keys;
  if (n > CACHED_KEYS) return keys.sort();
  const seen = seenKeys[at.depth];
  if (seen !== undefined && seen.length === n) {
    let i = 0;
    while (i < n && seen[i] === keys[i]) i++;
    if (i === n) return seenSorted[at.depth]!;
  }
  const sorted = keys.slice();
  // Insertion sort: keys are few and often already sorted.
  for (let i = 1; i < n; i++) {
    const k = sorted[i]!;
    let j = i - 1;
    if (sorted[j]! <= k) continue;
    while (j >= 0 && sorted[j]! > k) {
      sorted[j + 1] = sorted[j]!;
      j--;
    }
    sorted[j + 1] = k;
  }
  seenKeys[at.depth] = keys;
  seenSorted[at.depth] = sorted;
  return sorted;
}

/** The own enumerable string-keyed properties of `o`, sorted, at `pos`. */
function fieldsAt(o: object, pos: number): number {
  w.pos = pos;
  const keys = sortedKeys(o);
  const n = keys.length;
  room(pos, VARINT_MAX);
  pos = varintAt(n, pos);
  for (let i = 0; i < n; i++) {
    const k = keys[i]!;
    pos = strAt(k, pos);
    w.pos = pos;
    pos = put((o as Record<string, unknown>)[k], pos);
  }
  return pos;
}

function fields(o: object): void {
  w.pos = fieldsAt(o, w.pos);
}

/** The other built-ins by exact prototype (encode-builtins.ts), around the walk above. */
const builtins = builtinEncoders(value, fields);

function builtinOrClass(o: object, proto: object): void {
  const handler = builtins.get(proto);
  if (handler !== undefined) {
    handler(o);
    return;
  }
  const ctor: unknown = (proto as { constructor?: unknown }).constructor;
  const entry = typeof ctor === 'function' ? classOf(ctor) : undefined;
  if (entry === undefined) {
    const name = typeof ctor === 'function' && ctor.name ? ctor.name : 'object';
    fail(o, `an instance of unregistered class ${name}`, `registerClass(${name})`);
  }
  byte(0x13);
  str(entry.name);
  reserve(VARINT_MAX + 1);
  varint(entry.version);
  const state = entry.plainState ? o : entry.toState(o);
  if (state === o) {
    // Own fields, encoded as toState's default copy would be: the instance stands in for
    // the copy on the stack too, so back-reference distances match.
    stack[at.depth++] = o;
    byte(OBJECT);
    fields(o);
    stack[--at.depth] = undefined;
  } else value(state);
}

function fail(v: unknown, what: string, register: string): never {
  const path = pathTo(stack, at.base, at.depth, partOf[at.base] ?? -1, v);
  throw new KeepsakeError('ERR_UNSERIALIZABLE', `cannot make a key of ${what} at ${path}`, {
    hint: `${register} so it can be keyed, or pass \`key\` to memoize to choose what is hashed`,
  });
}
