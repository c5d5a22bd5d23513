/**
 * Reads one payload back into a value: the tag dispatch and the walk over containers
 * (arrays, shaped objects, Map, Set), strings, numbers and back-references. Values that are
 * rarer or carry more rules are read by their own modules: `read-binary.ts` (BigInt, bytes,
 * typed arrays), `read-class.ts` (registered classes and functions), `read-error.ts`,
 * `read-other.ts` (RegExp, boxed primitives, UTF-16 strings). The layout itself is drawn in
 * `format.ts`.
 */
import { Buffer } from 'node:buffer';
import * as corruptModule from './corrupt.js';
import * as defineFieldModule from './define-field.js';
import type { DeserializeOptions } from './options.js';
import * as binary from './read-binary.js';
import * as classes from './read-class.js';
import * as errors from './read-error.js';
import * as others from './read-other.js';
import * as strings from './short-ascii.js';

// The functions the Decoder calls from its sibling modules are copied into module-local consts
// once, here. V8 reads an imported binding through its module cell, with a TDZ check, on every
// use, and TurboFan does not fold it to a constant; a local const it does, which turns
// `utf8Slice.call(...)` back into a direct native call. Calling the imports directly measured
// ~10% slower on the P2 decode bench than the single-file decoder; with these copies, the same.
const { corrupt } = corruptModule;
const { defineField } = defineFieldModule;
const { readArrayBuffer, readBigInt, readBuffer, readDataView, readTypedArray } = binary;
const { readFunction, readInstance } = classes;
const { readError } = errors;
const { readBoxed, readRegExp, readUtf16 } = others;
const { latin1Slice, shortAscii, utf8Slice } = strings;

const MAX_ARRAY_LENGTH = 2 ** 32 - 1;
const EMPTY = Buffer.alloc(0);
const EMPTY_VIEW = new DataView(EMPTY.buffer, EMPTY.byteOffset, 0);

/**
 * Reads one payload. Every declared length is checked against the bytes that remain before
 * anything is allocated for it, and nothing read from the bytes is ever executed or used to
 * reach a prototype: `__proto__` keys become own data properties.
 *
 * The members without `#` are shared with the `read-*` modules, which read the rarer values
 * as plain functions of the decoder.
 *
 * @example
 * ```ts
 * const { bytes, start, end, refs } = open(blob, 0, blob.length);
 * const decoder = new Decoder(bytes, start, end, { unknownClass: 'plain' }, refs);
 * const value = decoder.value();
 * if (decoder.pos !== end) throw corrupt('bytes after the value');
 * ```
 */
export class Decoder {
  buf: Buffer = EMPTY;
  view: DataView = EMPTY_VIEW;
  pos = 0;
  end = 0;
  /** Every object read so far, by id: what a back-reference (0xb8) points to. */
  readonly refs: unknown[] = [];
  /** The payload may hold back-references. When its blob says it has none, {@link remember}
   * skips `refs` (about 8% of decoding 1,000 records). */
  track = true;
  readonly #shapes: string[][] = [];
  /** Per shape, the first object read with it: the clone source for the rest. */
  readonly #firsts: Array<Record<string, unknown> | undefined> = [];
  /** Class names read so far: a class ref points into it. Not `#`: `readClassName` in
   * read-class.ts keeps it, like the other members shared with the `read-*` modules. */
  readonly classNames: string[] = [];
  /** `unknownClass: 'plain'`: an unregistered class reads as its state instead of throwing. */
  plainUnknown = false;
  /** Class instances whose state is being read: a reference to one may meet a placeholder. */
  pending: Set<object> | undefined;
  /** The members of `pending` a back-reference reached before they were built. */
  pendingUsed: Set<object> | undefined;

  constructor(
    bytes: Uint8Array,
    start: number,
    end: number,
    options?: DeserializeOptions,
    refs = true,
  ) {
    this.reset(bytes, start, end, options, refs);
  }

  /**
   * Points a new or {@link release}d decoder at the payload `bytes[start, end)`. `refs: false`
   * (the blob's flags say it holds no back-reference) lets it forget the objects it reads.
   *
   * @example
   * ```ts
   * const value = decoder.reset(bytes, start, end).value();
   * ```
   */
  reset(
    bytes: Uint8Array,
    start: number,
    end: number,
    options?: DeserializeOptions,
    refs = true,
  ): this {
    this.buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = start;
    this.end = end;
    this.plainUnknown = options?.unknownClass === 'plain';
    this.track = refs;
    return this;
  }

  /**
   * Drops everything this decoder read and its input, so that keeping it for the next payload
   * retains nothing else (see `decodePayload`).
   *
   * @example
   * ```ts
   * const value = decoder.value();
   * decoder.release();
   * ```
   */
  release(): void {
    this.buf = EMPTY;
    this.view = EMPTY_VIEW;
    this.pos = 0;
    this.end = 0;
    this.refs.length = 0;
    this.#shapes.length = 0;
    this.#firsts.length = 0;
    this.classNames.length = 0;
    this.pending = undefined;
    this.pendingUsed = undefined;
  }

  /** Gives `value` the next object id, for a back-reference to find; nothing when the blob
   * says it holds none. Every reference type the decoder builds passes through here, except a
   * class instance, whose slot is taken before its state is read (read-class.ts). */
  remember(value: unknown): void {
    if (this.track) this.refs.push(value);
  }

  /** Throws unless `n` more bytes remain. */
  need(n: number): void {
    if (n > this.end - this.pos) throw corrupt('a length runs past the end');
  }

  /** Reads an unsigned LEB128 number of up to 8 bytes. */
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

  /** Reads the next value, whatever its tag. */
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
        this.need(1);
        return this.buf[this.pos++];
      case 0x8d /* T_UINT16 */:
        this.need(2);
        this.pos += 2;
        return this.view.getUint16(this.pos - 2, true);
      case 0x8e /* T_UINT32 */:
        this.need(4);
        this.pos += 4;
        return this.view.getUint32(this.pos - 4, true);
      case 0x88 /* T_INT8 */:
        this.need(1);
        return this.view.getInt8(this.pos++);
      case 0x89 /* T_INT16 */:
        this.need(2);
        this.pos += 2;
        return this.view.getInt16(this.pos - 2, true);
      case 0x8a /* T_INT32 */:
        this.need(4);
        this.pos += 4;
        return this.view.getInt32(this.pos - 4, true);
      case 0x8b /* T_FLOAT64 */:
        return this.#float64();
      case 0x90 /* T_STR8 */:
        this.need(1);
        return this.#string(this.buf[this.pos++]!);
      case 0x91 /* T_STR16 */:
        this.need(2);
        this.pos += 2;
        return this.#string(this.view.getUint16(this.pos - 2, true));
      case 0x92 /* T_STR32 */:
        this.need(4);
        this.pos += 4;
        return this.#string(this.view.getUint32(this.pos - 4, true));
      case 0x93 /* T_UTF16 */:
        return readUtf16(this);
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
          this.remember(date);
          return date;
        }
      case 0xa3 /* T_REG_EXP */:
        return readRegExp(this);
      case 0xa4 /* T_BIG_INT64 */:
        this.need(8);
        this.pos += 8;
        return this.view.getBigInt64(this.pos - 8, true);
      case 0xa5 /* T_BIG_INT */:
        return readBigInt(this);
      case 0xa6 /* T_BOXED */:
        return readBoxed(this);
      case 0xa7 /* T_ERROR */:
        return readError(this);
      case 0xa8 /* T_ARRAY_BUFFER */:
        return readArrayBuffer(this);
      case 0xaa /* T_DATA_VIEW */:
        return readDataView(this);
      case 0xab /* T_BUFFER */:
        return readBuffer(this);
      case 0xa9 /* T_TYPED_ARRAY */:
        return readTypedArray(this);
      case 0xac /* T_CLASS */:
        return readInstance(this);
      case 0xb0 /* T_FUNCTION */:
        return readFunction(this);
      default:
        throw corrupt(`unknown tag 0x${t.toString(16)}`);
    }
  }

  #float64(): number {
    this.need(8);
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

  /** Reads the next value, which must be a string. */
  expectString(): string {
    const s = this.value();
    if (typeof s !== 'string') throw corrupt('expected a string');
    return s;
  }

  #array(len: number): unknown[] {
    if (len > MAX_ARRAY_LENGTH) throw corrupt('array length out of range');
    const a: unknown[] = [];
    this.remember(a);
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
    this.need(n);
    const keys: string[] = new Array(n);
    for (let i = 0; i < n; i++) keys[i] = this.expectString();
    return this.#shapes.push(keys) - 1;
  }

  #shaped(id: number): Record<string, unknown> {
    const keys = this.#shapes[id];
    if (keys === undefined) throw corrupt('unknown object shape');
    // The first object of a shape is built key by key; later ones clone it, which gives them
    // its hidden class in one step, and then overwrite the values in place.
    const first = this.#firsts[id];
    const obj: Record<string, unknown> = first === undefined ? {} : { ...first };
    this.remember(obj);
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
  body(obj: Record<string, unknown>, register: boolean): Record<string, unknown> {
    if (this.pos >= this.end) throw corrupt('unexpected end');
    const t = this.buf[this.pos++]!;
    let id: number;
    if (t >= 0xc0 /* T_FIX_SHAPE */ && t <= 0xdf /* T_FIX_SHAPE_MAX */)
      id = t - 0xc0 /* T_FIX_SHAPE */;
    else if (t === 0x9a /* T_OBJECT_SHAPE */) id = this.varint();
    else if (t === 0x99 /* T_OBJECT_NEW_SHAPE */) id = this.#newShape();
    else throw corrupt('expected an object');
    if (register) this.remember(obj);
    return this.#fill(id, obj);
  }

  #nullProto(): unknown {
    return this.body(Object.create(null) as Record<string, unknown>, true);
  }

  #ref(): unknown {
    if (!this.track) throw corrupt('a back-reference in a payload flagged as holding none');
    const id = this.varint();
    if (id >= this.refs.length) throw corrupt('reference to an object not yet read');
    const target = this.refs[id];
    if (this.pending?.has(target as object)) this.pendingUsed!.add(target as object);
    return target;
  }

  #map(): Map<unknown, unknown> {
    const n = this.varint();
    this.need(n * 2);
    const m = new Map<unknown, unknown>();
    this.remember(m);
    for (let i = 0; i < n; i++) {
      const k = this.value();
      m.set(k, this.value());
    }
    return m;
  }

  #set(): Set<unknown> {
    const n = this.varint();
    this.need(n);
    const s = new Set<unknown>();
    this.remember(s);
    for (let i = 0; i < n; i++) s.add(this.value());
    return s;
  }
}
