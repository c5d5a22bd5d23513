import { Buffer } from 'node:buffer';
import { KeepsakeError } from '../errors.js';
import { swapBytes } from './encoder.js';
import { ERROR_KINDS, TYPED_ARRAY_KINDS } from './format.js';
import type { DeserializeOptions } from './options.js';
import { type ClassEntry, classNamed, functionNamed } from './registry.js';

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const MAX_ARRAY_LENGTH = 2 ** 32 - 1;

type Slicer = (this: Buffer, start: number, end: number) => string;
const proto = Buffer.prototype as unknown as { utf8Slice?: Slicer; latin1Slice?: Slicer };
// Buffer's own slice methods skip toString's argument checks; fall back where they are gone.
const utf8Slice: Slicer =
  proto.utf8Slice ??
  function (this: Buffer, start, end) {
    return this.toString('utf8', start, end);
  };
const latin1Slice: Slicer =
  proto.latin1Slice ??
  function (this: Buffer, start, end) {
    return this.toString('latin1', start, end);
  };

const fromCharCode = String.fromCharCode;

/** A short ASCII string in one call, without concatenation or a native slice call: these are
 * most keys and field values, and the decoder's most frequent string shape. */
function shortAscii(b: Uint8Array, s: number, n: number): string {
  switch (n) {
    case 0:
      return '';
    case 1:
      return fromCharCode(b[s]!);
    case 2:
      return fromCharCode(b[s]!, b[s + 1]!);
    case 3:
      return fromCharCode(b[s]!, b[s + 1]!, b[s + 2]!);
    case 4:
      return fromCharCode(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!);
    case 5:
      return fromCharCode(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!);
    case 6:
      return fromCharCode(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!);
    case 7:
      return fromCharCode(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!);
    case 8:
      return fromCharCode(
        b[s]!,
        b[s + 1]!,
        b[s + 2]!,
        b[s + 3]!,
        b[s + 4]!,
        b[s + 5]!,
        b[s + 6]!,
        b[s + 7]!,
      );
    case 9:
      return fromCharCode(
        b[s]!,
        b[s + 1]!,
        b[s + 2]!,
        b[s + 3]!,
        b[s + 4]!,
        b[s + 5]!,
        b[s + 6]!,
        b[s + 7]!,
        b[s + 8]!,
      );
    case 10:
      return fromCharCode(
        b[s]!,
        b[s + 1]!,
        b[s + 2]!,
        b[s + 3]!,
        b[s + 4]!,
        b[s + 5]!,
        b[s + 6]!,
        b[s + 7]!,
        b[s + 8]!,
        b[s + 9]!,
      );
    case 11:
      return fromCharCode(
        b[s]!,
        b[s + 1]!,
        b[s + 2]!,
        b[s + 3]!,
        b[s + 4]!,
        b[s + 5]!,
        b[s + 6]!,
        b[s + 7]!,
        b[s + 8]!,
        b[s + 9]!,
        b[s + 10]!,
      );
    case 12:
      return fromCharCode(
        b[s]!,
        b[s + 1]!,
        b[s + 2]!,
        b[s + 3]!,
        b[s + 4]!,
        b[s + 5]!,
        b[s + 6]!,
        b[s + 7]!,
        b[s + 8]!,
        b[s + 9]!,
        b[s + 10]!,
        b[s + 11]!,
      );
    case 13:
      return fromCharCode(
        b[s]!,
        b[s + 1]!,
        b[s + 2]!,
        b[s + 3]!,
        b[s + 4]!,
        b[s + 5]!,
        b[s + 6]!,
        b[s + 7]!,
        b[s + 8]!,
        b[s + 9]!,
        b[s + 10]!,
        b[s + 11]!,
        b[s + 12]!,
      );
    case 14:
      return fromCharCode(
        b[s]!,
        b[s + 1]!,
        b[s + 2]!,
        b[s + 3]!,
        b[s + 4]!,
        b[s + 5]!,
        b[s + 6]!,
        b[s + 7]!,
        b[s + 8]!,
        b[s + 9]!,
        b[s + 10]!,
        b[s + 11]!,
        b[s + 12]!,
        b[s + 13]!,
      );
    case 15:
      return fromCharCode(
        b[s]!,
        b[s + 1]!,
        b[s + 2]!,
        b[s + 3]!,
        b[s + 4]!,
        b[s + 5]!,
        b[s + 6]!,
        b[s + 7]!,
        b[s + 8]!,
        b[s + 9]!,
        b[s + 10]!,
        b[s + 11]!,
        b[s + 12]!,
        b[s + 13]!,
        b[s + 14]!,
      );
    default:
      return '';
  }
}

function corrupt(what: string): KeepsakeError {
  return new KeepsakeError('ERR_CORRUPT', `corrupt keepsake payload: ${what}`, {
    hint: 'the bytes were damaged or are not a keepsake value; recompute or restore them',
  });
}

function defineField(obj: object, key: string, value: unknown, enumerable = true): void {
  Object.defineProperty(obj, key, { value, enumerable, writable: true, configurable: true });
}

/**
 * Reads one payload. Every declared length is checked against the bytes that remain before
 * anything is allocated for it, and nothing read from the bytes is ever executed or used to
 * reach a prototype: `__proto__` keys become own data properties.
 */
export class Decoder {
  readonly buf: Buffer;
  readonly view: DataView;
  pos: number;
  readonly end: number;
  readonly #refs: unknown[] = [];
  readonly #shapes: string[][] = [];
  /** Per shape, the first object read with it: the clone source for the rest. */
  readonly #firsts: Array<Record<string, unknown> | undefined> = [];
  readonly #classes: string[] = [];
  readonly #plainUnknown: boolean;
  #pending: Set<object> | undefined;
  #pendingUsed: Set<object> | undefined;

  constructor(bytes: Uint8Array, start: number, end: number, options?: DeserializeOptions) {
    this.buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = start;
    this.end = end;
    this.#plainUnknown = options?.unknownClass === 'plain';
  }

  #need(n: number): void {
    if (n > this.end - this.pos) throw corrupt('a length runs past the end');
  }

  varint(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      if (this.pos >= this.end) throw corrupt('truncated number');
      const b = this.buf[this.pos++]!;
      result += (b & 0x7f) * scale;
      if (b < 0x80) return result;
      scale *= 0x80;
    }
    throw corrupt('number too long');
  }

  value(): unknown {
    if (this.pos >= this.end) throw corrupt('unexpected end');
    const t = this.buf[this.pos++]!;
    if (t < 0x40) return t;
    if (t < 0x60) return this.#string(t - 0x40);
    if (t < 0x70) return this.#array(t - 0x60);
    if (t < 0x80) return 0x6f - t;
    if (t >= 0xc0 /* T_FIX_SHAPE */ && t <= 0xdf /* T_FIX_SHAPE_MAX */)
      return this.#shaped(t - 0xc0 /* T_FIX_SHAPE */);
    switch (t) {
      case 0x80 /* T_UNDEFINED */:
        return undefined;
      case 0x81 /* T_NULL */:
        return null;
      case 0x82 /* T_FALSE */:
        return false;
      case 0x83 /* T_TRUE */:
        return true;
      case 0x8c /* T_UINT8 */:
        this.#need(1);
        return this.buf[this.pos++];
      case 0x8d /* T_UINT16 */:
        this.#need(2);
        this.pos += 2;
        return this.view.getUint16(this.pos - 2, true);
      case 0x8e /* T_UINT32 */:
        this.#need(4);
        this.pos += 4;
        return this.view.getUint32(this.pos - 4, true);
      case 0x88 /* T_INT8 */:
        this.#need(1);
        return this.view.getInt8(this.pos++);
      case 0x89 /* T_INT16 */:
        this.#need(2);
        this.pos += 2;
        return this.view.getInt16(this.pos - 2, true);
      case 0x8a /* T_INT32 */:
        this.#need(4);
        this.pos += 4;
        return this.view.getInt32(this.pos - 4, true);
      case 0x8b /* T_FLOAT64 */:
        return this.#float64();
      case 0x90 /* T_STR8 */:
        this.#need(1);
        return this.#string(this.buf[this.pos++]!);
      case 0x91 /* T_STR16 */:
        this.#need(2);
        this.pos += 2;
        return this.#string(this.view.getUint16(this.pos - 2, true));
      case 0x92 /* T_STR32 */:
        this.#need(4);
        this.pos += 4;
        return this.#string(this.view.getUint32(this.pos - 4, true));
      case 0x93 /* T_UTF16 */:
        return this.#utf16();
      case 0x98 /* T_ARRAY */:
        return this.#array(this.varint());
      case 0x99 /* T_OBJECT_NEW_SHAPE */:
        return this.#shaped(this.#newShape());
      case 0x9a /* T_OBJECT_SHAPE */:
        return this.#shaped(this.varint());
      case 0x9b /* T_NULL_PROTO */:
        return this.#nullProto();
      case 0xb8 /* T_REF */:
        return this.#ref();
      default:
        return this.#other(t);
    }
  }

  #other(t: number): unknown {
    switch (t) {
      case 0xa0 /* T_MAP */:
        return this.#map();
      case 0xa1 /* T_SET */:
        return this.#set();
      case 0xa2 /* T_DATE */:
        {
          const date = new Date(this.#float64());
          this.#refs.push(date);
          return date;
        }
      case 0xa3 /* T_REG_EXP */:
        {
          const source = this.#expectString();
          const flags = this.#expectString();
          let re: RegExp;
          try {
            re = new RegExp(source, flags);
          } catch (cause) {
            throw new KeepsakeError('ERR_CORRUPT', 'corrupt keepsake payload: invalid RegExp', {
              cause,
            });
          }
          this.#refs.push(re);
          return re;
        }
      case 0xa4 /* T_BIG_INT64 */:
        this.#need(8);
        this.pos += 8;
        return this.view.getBigInt64(this.pos - 8, true);
      case 0xa5 /* T_BIG_INT */:
        return this.#bigint();
      case 0xa6 /* T_BOXED */:
        {
          const inner = this.value();
          if (
            inner === null ||
            inner === undefined ||
            typeof inner === 'object' ||
            typeof inner === 'function'
          ) {
            throw corrupt('a boxed value that is not a primitive');
          }
          const boxed = Object(inner) as object;
          this.#refs.push(boxed);
          return boxed;
        }
      case 0xa7 /* T_ERROR */:
        return this.#error();
      case 0xa8 /* T_ARRAY_BUFFER */:
        {
          const bytes = this.#rawBytes();
          const ab = new ArrayBuffer(bytes.length);
          new Uint8Array(ab).set(bytes);
          this.#refs.push(ab);
          return ab;
        }
      case 0xaa /* T_DATA_VIEW */:
        {
          const bytes = this.#rawBytes();
          const dv = new DataView(new ArrayBuffer(bytes.length));
          new Uint8Array(dv.buffer).set(bytes);
          this.#refs.push(dv);
          return dv;
        }
      case 0xab /* T_BUFFER */:
        {
          const bytes = this.#rawBytes();
          const out = Buffer.allocUnsafe(bytes.length);
          out.set(bytes);
          this.#refs.push(out);
          return out;
        }
      case 0xa9 /* T_TYPED_ARRAY */:
        return this.#typedArray();
      case 0xac /* T_CLASS */:
        return this.#instance();
      case 0xb0 /* T_FUNCTION */:
        {
          const name = this.#expectString();
          const fn = functionNamed(name);
          if (fn === undefined) {
            throw new KeepsakeError(
              'ERR_UNKNOWN_FUNCTION',
              `the stored value refers to function "${name}", which is not registered`,
              { hint: `call registerFunction(fn, '${name}') before loading` },
            );
          }
          return fn;
        }
      default:
        throw corrupt(`unknown tag 0x${t.toString(16)}`);
    }
  }

  #float64(): number {
    this.#need(8);
    this.pos += 8;
    return this.view.getFloat64(this.pos - 8, true);
  }

  #string(n: number): string {
    const start = this.pos;
    if (n > this.end - start) throw corrupt('a string runs past the end');
    const end = start + n;
    this.pos = end;
    const buf = this.buf;
    if (n < 16) {
      let high = 0;
      for (let i = start; i < end; i++) high |= buf[i]!;
      if (high >= 0x80) return utf8Slice.call(buf, start, end);
      return shortAscii(buf, start, n);
    }
    for (let i = start; i < end; i++) {
      if (buf[i]! >= 0x80) return utf8Slice.call(buf, start, end);
    }
    return latin1Slice.call(buf, start, end);
  }

  #utf16(): string {
    const units = this.varint();
    this.#need(units * 2);
    let s = '';
    for (let i = 0; i < units; i++) {
      s += String.fromCharCode(this.view.getUint16(this.pos, true));
      this.pos += 2;
    }
    return s;
  }

  #expectString(): string {
    const s = this.value();
    if (typeof s !== 'string') throw corrupt('expected a string');
    return s;
  }

  #array(len: number): unknown[] {
    if (len > MAX_ARRAY_LENGTH) throw corrupt('array length out of range');
    const a: unknown[] = [];
    this.#refs.push(a);
    const buf = this.buf;
    while (a.length < len) {
      const t = buf[this.pos];
      if (t === 0x84 /* T_HOLE */) {
        this.pos++;
        a.length++;
      } else if (t === 0x85 /* T_HOLES */) {
        this.pos++;
        const count = this.varint();
        if (count > len - a.length) throw corrupt('holes past the array length');
        a.length += count;
      } else a.push(this.value());
    }
    return a;
  }

  #newShape(): number {
    const n = this.varint();
    this.#need(n);
    const keys: string[] = new Array(n);
    for (let i = 0; i < n; i++) keys[i] = this.#expectString();
    return this.#shapes.push(keys) - 1;
  }

  #shaped(id: number): Record<string, unknown> {
    const keys = this.#shapes[id];
    if (keys === undefined) throw corrupt('unknown object shape');
    // The first object of a shape is built key by key; later ones clone it, which gives them
    // its hidden class in one step, and then overwrite the values in place.
    const first = this.#firsts[id];
    const obj: Record<string, unknown> = first === undefined ? {} : { ...first };
    this.#refs.push(obj);
    if (first === undefined) {
      this.#assign(obj, keys);
      this.#firsts[id] = obj;
    } else {
      // Own `__proto__` data properties came along with the clone: plain assignment hits them.
      for (let i = 0; i < keys.length; i++) obj[keys[i]!] = this.value();
    }
    return obj;
  }

  #fill(id: number, obj: Record<string, unknown>): Record<string, unknown> {
    const keys = this.#shapes[id];
    if (keys === undefined) throw corrupt('unknown object shape');
    return this.#assign(obj, keys);
  }

  /** Sets `keys` on `obj` from the next values. A key found anywhere on the prototype chain
   * (`__proto__`, `toString`, a setter someone put on Object.prototype) is defined instead,
   * so loading never calls an inherited setter. */
  #assign(obj: Record<string, unknown>, keys: string[]): Record<string, unknown> {
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      if (key in obj) defineField(obj, key, this.value());
      else obj[key] = this.value();
    }
    return obj;
  }

  /** Reads an object body (after 0x9b or inside a class instance) into `obj`. */
  #body(obj: Record<string, unknown>, register: boolean): Record<string, unknown> {
    if (this.pos >= this.end) throw corrupt('unexpected end');
    const t = this.buf[this.pos++]!;
    let id: number;
    if (t >= 0xc0 /* T_FIX_SHAPE */ && t <= 0xdf /* T_FIX_SHAPE_MAX */)
      id = t - 0xc0 /* T_FIX_SHAPE */;
    else if (t === 0x9a /* T_OBJECT_SHAPE */) id = this.varint();
    else if (t === 0x99 /* T_OBJECT_NEW_SHAPE */) id = this.#newShape();
    else throw corrupt('expected an object');
    if (register) this.#refs.push(obj);
    return this.#fill(id, obj);
  }

  #nullProto(): unknown {
    return this.#body(Object.create(null) as Record<string, unknown>, true);
  }

  #ref(): unknown {
    const id = this.varint();
    if (id >= this.#refs.length) throw corrupt('reference to an object not yet read');
    const target = this.#refs[id];
    if (this.#pending?.has(target as object)) this.#pendingUsed!.add(target as object);
    return target;
  }

  #map(): Map<unknown, unknown> {
    const n = this.varint();
    this.#need(n * 2);
    const m = new Map<unknown, unknown>();
    this.#refs.push(m);
    for (let i = 0; i < n; i++) {
      const k = this.value();
      m.set(k, this.value());
    }
    return m;
  }

  #set(): Set<unknown> {
    const n = this.varint();
    this.#need(n);
    const s = new Set<unknown>();
    this.#refs.push(s);
    for (let i = 0; i < n; i++) s.add(this.value());
    return s;
  }

  #bigint(): bigint {
    this.#need(1);
    const negative = this.buf[this.pos++] === 1;
    const bytes = this.#rawBytes();
    const hex = Buffer.from(bytes).reverse().toString('hex');
    const magnitude = hex.length === 0 ? 0n : BigInt(`0x${hex}`);
    return negative ? -magnitude : magnitude;
  }

  #rawBytes(): Buffer {
    const n = this.varint();
    this.#need(n);
    this.pos += n;
    return this.buf.subarray(this.pos - n, this.pos);
  }

  #typedArray(): ArrayBufferView {
    this.#need(1);
    const Ctor = TYPED_ARRAY_KINDS[this.buf[this.pos++]!];
    if (Ctor === undefined) throw corrupt('unknown typed array kind');
    const bytes = this.#rawBytes();
    const size = Ctor.BYTES_PER_ELEMENT;
    if (bytes.length % size !== 0) throw corrupt('typed array length is not whole elements');
    // allocUnsafeSlow: an unpooled, aligned buffer that skips zero-filling what is overwritten.
    const target = Buffer.allocUnsafeSlow(bytes.length);
    target.set(bytes);
    const out = new Ctor(target.buffer, 0, bytes.length / size);
    if (!LITTLE_ENDIAN) swapBytes(target, 0, bytes.length, size);
    this.#refs.push(out);
    return out;
  }

  #className(): string {
    const ref = this.varint();
    if (ref === 0) {
      const name = this.#expectString();
      this.#classes.push(name);
      return name;
    }
    const name = this.#classes[ref - 1];
    if (name === undefined) throw corrupt('unknown class reference');
    return name;
  }

  #unknownClass(name: string): KeepsakeError {
    return new KeepsakeError(
      'ERR_UNKNOWN_CLASS',
      `the stored value holds an instance of class "${name}", which is not registered`,
      {
        hint: `call registerClass(YourClass, { name: '${name}' }) before loading, or pass { unknownClass: 'plain' }`,
      },
    );
  }

  #instance(): unknown {
    const name = this.#className();
    const version = this.varint();
    this.#need(1);
    const mode = this.buf[this.pos++];
    if (mode !== 0 && mode !== 1) throw corrupt('unknown class state mode');
    const entry = classNamed(name);
    if (entry === undefined) {
      if (!this.#plainUnknown) throw this.#unknownClass(name);
      if (mode === 1) return this.#body({}, true);
      const at = this.#refs.push(undefined) - 1;
      const state = this.value();
      this.#refs[at] = state;
      return state;
    }
    const instance = Object.create(entry.ctor.prototype as object) as Record<string, unknown>;
    if (mode === 1 && version === entry.version && entry.plainState) {
      return this.#body(instance, true);
    }
    // The state is read before the instance can be built: a cycle back to it meets the
    // placeholder, which then takes on the built instance's fields.
    const at = this.#refs.push(instance) - 1;
    this.#pending ??= new Set();
    this.#pendingUsed ??= new Set();
    this.#pending.add(instance);
    let state = mode === 1 ? this.#body({}, false) : this.value();
    this.#pending.delete(instance);
    state = migrate(entry, state, version);
    if (entry.plainState) {
      if (state !== null && typeof state === 'object') {
        for (const key of Object.keys(state)) {
          defineField(instance, key, (state as Record<string, unknown>)[key]);
        }
      }
      return instance;
    }
    const built = entry.fromState(state);
    if (!this.#pendingUsed.has(instance)) {
      this.#refs[at] = built;
      return built;
    }
    Object.defineProperties(instance, Object.getOwnPropertyDescriptors(built));
    return instance;
  }

  #error(): Error {
    this.#need(3);
    const kind = ERROR_KINDS[this.buf[this.pos++]!];
    if (kind === undefined) throw corrupt('unknown error kind');
    const hasClass = this.buf[this.pos++];
    let newTarget: Function = kind;
    if (hasClass === 1) {
      const name = this.#className();
      const entry = classNamed(name);
      if (entry !== undefined) newTarget = entry.ctor;
      else if (!this.#plainUnknown) throw this.#unknownClass(name);
    } else if (hasClass !== 0) throw corrupt('bad error class flag');
    this.#need(1);
    const flags = this.buf[this.pos++]!;
    const name = this.#expectString();
    const message = flags & 1 ? this.#expectString() : undefined;
    const stack = flags & 2 ? this.#expectString() : undefined;
    // A real Error (isNativeError, [object Error]) with the registered prototype, made without
    // running any user constructor: Reflect.construct only takes newTarget's prototype.
    const err = Reflect.construct(kind, kind === AggregateError ? [[]] : [], newTarget) as Error;
    delete (err as { stack?: string }).stack;
    delete (err as { errors?: unknown }).errors;
    this.#refs.push(err);
    if (message !== undefined) defineField(err, 'message', message, false);
    if (stack !== undefined) defineField(err, 'stack', stack, false);
    if (flags & 4) defineField(err, 'cause', this.value(), false);
    if (flags & 8) defineField(err, 'errors', this.value(), false);
    const n = this.varint();
    this.#need(n * 2);
    let ownName = false;
    for (let i = 0; i < n; i++) {
      const key = this.#expectString();
      if (key === 'name') ownName = true;
      defineField(err, key, this.value());
    }
    if (!ownName && err.name !== name) defineField(err, 'name', name, false);
    return err;
  }
}

/** Runs `migrate[k]` for each version from the stored one up to the registered one. */
function migrate(entry: ClassEntry, state: unknown, from: number): unknown {
  if (from === entry.version) return state;
  if (from > entry.version) {
    throw new KeepsakeError(
      'ERR_MIGRATION',
      `class "${entry.name}" was stored at version ${from}, newer than the registered version ${entry.version}`,
      { hint: 'load it with the newer code that wrote it, or recompute the value' },
    );
  }
  for (let v = from; v < entry.version; v++) {
    const step = entry.migrate[v];
    if (step === undefined) {
      throw new KeepsakeError(
        'ERR_MIGRATION',
        `class "${entry.name}" has no migration from version ${v} (stored at ${from}, registered ${entry.version})`,
        { hint: `add migrate: { ${v}: (old) => newState } to registerClass(${entry.ctor.name})` },
      );
    }
    state = step(state);
  }
  return state;
}
