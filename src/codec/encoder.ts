import { Buffer } from 'node:buffer';
import {
  ERROR_KINDS,
  HEADER_SIZE,
  T_ARRAY,
  T_ARRAY_BUFFER,
  T_BIG_INT,
  T_BIG_INT64,
  T_BOXED,
  T_BUFFER,
  T_CLASS,
  T_DATA_VIEW,
  T_DATE,
  T_ERROR,
  T_FALSE,
  T_FIX_ARRAY,
  T_FIX_SHAPE,
  T_FIX_STR,
  T_FLOAT64,
  T_FUNCTION,
  T_HOLE,
  T_HOLES,
  T_INT8,
  T_INT16,
  T_INT32,
  T_MAP,
  T_NEG_INT,
  T_NULL,
  T_NULL_PROTO,
  T_OBJECT_NEW_SHAPE,
  T_OBJECT_SHAPE,
  T_REF,
  T_REG_EXP,
  T_SET,
  T_STR8,
  T_STR16,
  T_STR32,
  T_TRUE,
  T_TYPED_ARRAY,
  T_UINT8,
  T_UINT16,
  T_UINT32,
  T_UNDEFINED,
  T_UTF16,
  TYPED_ARRAY_KINDS,
} from './format.js';
import { type ClassEntry, classOf, functionName } from './registry.js';

/** Thrown inside the encoder for a value it cannot write; `serialize` turns it into a
 * KeepsakeError that names the value's path. */
export class UnserializableValue {
  constructor(
    readonly value: unknown,
    readonly what: string,
  ) {}
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const SLAB_SIZE = 64 * 1024;
const MAX_SHAPE_KEYS = 64;
const MAX_SHAPE_NODES = 50_000;

const typedArrayKind = new Map<object, number>(
  TYPED_ARRAY_KINDS.map((ctor, kind) => [ctor.prototype, kind]),
);
const errorKinds = ERROR_KINDS.map((ctor) => ctor.prototype as object);

/** A node of the shape trie: objects with the same keys in the same order share a node, so a
 * repeated shape costs one Map lookup per key instead of a string join. */
interface ShapeNode {
  next: Map<string, ShapeNode> | undefined;
  epoch: number;
  id: number;
}

let shapeRoot: ShapeNode = { next: undefined, epoch: 0, id: 0 };
let shapeNodes = 0;
let epochCounter = 0;

function errorKindOf(err: object): number {
  let proto: object | null = Object.getPrototypeOf(err);
  while (proto !== null) {
    const kind = errorKinds.indexOf(proto);
    if (kind !== -1) return kind;
    proto = Object.getPrototypeOf(proto);
  }
  return 0;
}

/**
 * Writes one value's payload into a growing slab. Results are views of the slab (no final
 * copy); a slab is only ever written past the end of earlier results, so they stay valid.
 */
export class Encoder {
  buf: Buffer = Buffer.allocUnsafe(0);
  view: DataView = new DataView(this.buf.buffer);
  start = 0;
  pos = 0;
  #refs = new Map<object, number>();
  #nextRef = 0;
  #epoch = 0;
  #nextShape = 0;
  #classIds = new Map<string, number>();
  #lastKeys: string[] = [];
  #lastShape = 0;
  #lastEpoch = -1;

  #remember(keys: string[], id: number): void {
    this.#lastKeys = keys;
    this.#lastShape = id;
    this.#lastEpoch = this.#epoch;
  }

  /** Starts a message with room for the header; returns the header's offset. */
  begin(): number {
    if (this.buf.length - this.pos < 1024) this.#newSlab(SLAB_SIZE);
    // 8-byte alignment keeps typed-array bodies aligned relative to the slab.
    this.pos = (this.pos + 7) & ~7;
    this.start = this.pos;
    this.pos += HEADER_SIZE;
    this.#nextRef = 0;
    this.#nextShape = 0;
    this.#epoch = ++epochCounter;
    if (this.#refs.size > 0) this.#refs = new Map();
    if (this.#classIds.size > 0) this.#classIds.clear();
    return this.start;
  }

  /** Ends a message: the bytes written since `begin`, a view of the slab. */
  end(): Buffer {
    const out = this.buf.subarray(this.start, this.pos);
    if (this.#refs.size > 0) this.#refs = new Map();
    // A slab grown for a big value is not reused: small results must not pin it.
    if (this.buf.length > 16 * SLAB_SIZE) this.#newSlab(SLAB_SIZE);
    return out;
  }

  /** Drops a failed message so the slab space is reused. */
  abort(): void {
    this.pos = this.start;
    if (this.#refs.size > 0) this.#refs = new Map();
  }

  #newSlab(size: number): void {
    this.buf = Buffer.allocUnsafeSlow(size);
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
    this.pos = 0;
    this.start = 0;
  }

  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const used = this.pos - this.start;
    // Small writes double the slab; one big write (a large typed array) gets just its room.
    const size = n > SLAB_SIZE ? used + n + SLAB_SIZE : Math.max(SLAB_SIZE, (used + n) * 2);
    const old = this.buf;
    const from = this.start;
    this.#newSlab(size);
    old.copy(this.buf, 0, from, from + used);
    this.pos = used;
  }

  byte(b: number): void {
    if (this.pos >= this.buf.length) this.ensure(1);
    this.buf[this.pos++] = b;
  }

  varint(n: number): void {
    this.ensure(10);
    const buf = this.buf;
    while (n >= 0x80) {
      buf[this.pos++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    buf[this.pos++] = n;
  }

  bytes(src: Uint8Array): void {
    this.ensure(src.length);
    this.buf.set(src, this.pos);
    this.pos += src.length;
  }

  value(v: unknown): void {
    switch (typeof v) {
      case 'string':
        this.string(v);
        return;
      case 'number':
        this.number(v);
        return;
      case 'object':
        if (v === null) this.byte(T_NULL);
        else this.object(v);
        return;
      case 'boolean':
        this.byte(v ? T_TRUE : T_FALSE);
        return;
      case 'undefined':
        this.byte(T_UNDEFINED);
        return;
      case 'bigint':
        this.bigint(v);
        return;
      case 'function':
        this.func(v);
        return;
      default:
        throw new UnserializableValue(v, 'a Symbol');
    }
  }

  number(n: number): void {
    this.ensure(9);
    const buf = this.buf;
    if ((n | 0) === n && (n !== 0 || 1 / n > 0)) {
      if (n >= 0) {
        if (n < 64) buf[this.pos++] = n;
        else if (n < 0x100) {
          buf[this.pos++] = T_UINT8;
          buf[this.pos++] = n;
        } else if (n < 0x10000) {
          buf[this.pos++] = T_UINT16;
          this.view.setUint16(this.pos, n, true);
          this.pos += 2;
        } else {
          buf[this.pos++] = T_INT32;
          this.view.setInt32(this.pos, n, true);
          this.pos += 4;
        }
      } else if (n >= -16) buf[this.pos++] = T_NEG_INT - 1 - n;
      else if (n >= -0x80) {
        buf[this.pos++] = T_INT8;
        this.view.setInt8(this.pos++, n);
      } else if (n >= -0x8000) {
        buf[this.pos++] = T_INT16;
        this.view.setInt16(this.pos, n, true);
        this.pos += 2;
      } else {
        buf[this.pos++] = T_INT32;
        this.view.setInt32(this.pos, n, true);
        this.pos += 4;
      }
    } else if (n >>> 0 === n && n !== 0) {
      buf[this.pos++] = T_UINT32;
      this.view.setUint32(this.pos, n, true);
      this.pos += 4;
    } else {
      buf[this.pos++] = T_FLOAT64;
      this.view.setFloat64(this.pos, n, true);
      this.pos += 8;
    }
  }

  string(s: string): void {
    const len = s.length;
    if (len < 32) {
      this.ensure(len + 1);
      const buf = this.buf;
      const at = this.pos;
      let p = at + 1;
      for (let i = 0; i < len; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) {
          this.#stringSlow(s);
          return;
        }
        buf[p++] = c;
      }
      buf[at] = T_FIX_STR | len;
      this.pos = p;
      return;
    }
    this.#stringSlow(s);
  }

  #stringSlow(s: string): void {
    if (!s.isWellFormed()) {
      // UTF-8 cannot carry lone surrogates: keep the code units as they are.
      this.byte(T_UTF16);
      this.varint(s.length);
      this.ensure(s.length * 2);
      for (let i = 0; i < s.length; i++) {
        this.view.setUint16(this.pos, s.charCodeAt(i), true);
        this.pos += 2;
      }
      return;
    }
    const max = s.length * 3;
    const lenBytes = max < 0x100 ? 1 : max < 0x10000 ? 2 : 4;
    this.ensure(1 + lenBytes + max);
    const at = this.pos;
    const written = this.buf.write(s, at + 1 + lenBytes, 'utf8');
    if (lenBytes === 1) {
      this.buf[at] = T_STR8;
      this.buf[at + 1] = written;
    } else if (lenBytes === 2) {
      this.buf[at] = T_STR16;
      this.view.setUint16(at + 1, written, true);
    } else {
      this.buf[at] = T_STR32;
      this.view.setUint32(at + 1, written, true);
    }
    this.pos = at + 1 + lenBytes + written;
  }

  bigint(v: bigint): void {
    if (v >= -0x8000000000000000n && v <= 0x7fffffffffffffffn) {
      this.ensure(9);
      this.buf[this.pos++] = T_BIG_INT64;
      this.view.setBigInt64(this.pos, v, true);
      this.pos += 8;
      return;
    }
    const negative = v < 0n;
    let hex = (negative ? -v : v).toString(16);
    if (hex.length % 2) hex = `0${hex}`;
    const magnitude = Buffer.from(hex, 'hex').reverse();
    this.byte(T_BIG_INT);
    this.byte(negative ? 1 : 0);
    this.varint(magnitude.length);
    this.bytes(magnitude);
  }

  func(fn: Function): void {
    const name = functionName(fn);
    if (name === undefined) {
      throw new UnserializableValue(
        fn,
        `an unregistered function${fn.name ? ` (${fn.name})` : ''}`,
      );
    }
    this.byte(T_FUNCTION);
    this.string(name);
  }

  object(v: object): void {
    const ref = this.#refs.get(v);
    if (ref !== undefined) {
      this.byte(T_REF);
      this.varint(ref);
      return;
    }
    this.#refs.set(v, this.#nextRef++);
    const proto = Object.getPrototypeOf(v);
    if (proto === Object.prototype) return this.fields(v as Record<string, unknown>);
    if (proto === Array.prototype) return this.array(v as unknown[]);
    if (proto === null) {
      this.byte(T_NULL_PROTO);
      return this.fields(v as Record<string, unknown>);
    }
    if (proto === Map.prototype) return this.map(v as Map<unknown, unknown>);
    if (proto === Set.prototype) return this.set(v as Set<unknown>);
    if (proto === Date.prototype) {
      this.byte(T_DATE);
      this.ensure(8);
      this.view.setFloat64(this.pos, Date.prototype.getTime.call(v), true);
      this.pos += 8;
      return;
    }
    if (proto === Buffer.prototype) return this.raw(T_BUFFER, v as Buffer);
    const kind = typedArrayKind.get(proto);
    if (kind !== undefined) return this.typedArray(kind, v as Uint8Array);
    return this.#other(v, proto);
  }

  #other(v: object, proto: object): void {
    const ctor = Object.hasOwn(proto, 'constructor') ? proto.constructor : undefined;
    const entry = typeof ctor === 'function' ? classOf(ctor) : undefined;
    if (v instanceof Error) return this.error(v, entry);
    if (entry !== undefined) return this.instance(v, entry);
    if (proto === RegExp.prototype) {
      const re = v as RegExp;
      this.byte(T_REG_EXP);
      this.string(re.source);
      this.string(re.flags);
      return;
    }
    if (proto === ArrayBuffer.prototype) {
      return this.raw(T_ARRAY_BUFFER, new Uint8Array(v as ArrayBuffer));
    }
    if (proto === DataView.prototype) {
      const dv = v as DataView;
      return this.raw(T_DATA_VIEW, new Uint8Array(dv.buffer, dv.byteOffset, dv.byteLength));
    }
    if (
      proto === Boolean.prototype ||
      proto === Number.prototype ||
      proto === String.prototype ||
      proto === BigInt.prototype
    ) {
      this.byte(T_BOXED);
      this.value((proto as { valueOf(): unknown }).valueOf.call(v));
      return;
    }
    throw new UnserializableValue(v, describe(v, ctor));
  }

  fields(v: Record<string, unknown>): void {
    const keys = Object.keys(v);
    const n = keys.length;
    const last = this.#lastKeys;
    if (n === last.length && n > 0 && this.#lastEpoch === this.#epoch) {
      // Runs of objects of one shape (rows, records) skip the trie walk.
      let same = true;
      for (let i = 0; i < n; i++) {
        if (keys[i] !== last[i]) {
          same = false;
          break;
        }
      }
      if (same) {
        const id = this.#lastShape;
        if (id < 32) this.byte(T_FIX_SHAPE | id);
        else {
          this.byte(T_OBJECT_SHAPE);
          this.varint(id);
        }
        for (let i = 0; i < n; i++) this.value(v[keys[i]!]);
        return;
      }
    }
    if (n > MAX_SHAPE_KEYS) {
      // A dictionary-like object: its key list is unlikely to repeat, keep it out of the trie.
      this.byte(T_OBJECT_NEW_SHAPE);
      this.varint(n);
      for (let i = 0; i < n; i++) this.string(keys[i]!);
      this.#nextShape++;
    } else {
      let node = shapeRoot;
      for (let i = 0; i < n; i++) {
        const key = keys[i]!;
        let next = node.next?.get(key);
        if (next === undefined) {
          if (shapeNodes >= MAX_SHAPE_NODES) {
            shapeRoot = { next: undefined, epoch: 0, id: 0 };
            shapeNodes = 0;
            return this.fields(v);
          }
          next = { next: undefined, epoch: 0, id: 0 };
          node.next ??= new Map();
          node.next.set(key, next);
          shapeNodes++;
        }
        node = next;
      }
      if (node.epoch === this.#epoch) {
        const id = node.id;
        this.#remember(keys, id);
        if (id < 32) this.byte(T_FIX_SHAPE | id);
        else {
          this.byte(T_OBJECT_SHAPE);
          this.varint(id);
        }
      } else {
        node.epoch = this.#epoch;
        node.id = this.#nextShape++;
        this.#remember(keys, node.id);
        this.byte(T_OBJECT_NEW_SHAPE);
        this.varint(n);
        for (let i = 0; i < n; i++) this.string(keys[i]!);
      }
    }
    for (let i = 0; i < n; i++) this.value(v[keys[i]!]);
  }

  array(a: unknown[]): void {
    const len = a.length;
    if (len < 16) this.byte(T_FIX_ARRAY | len);
    else {
      this.byte(T_ARRAY);
      this.varint(len);
    }
    for (let i = 0; i < len; i++) {
      const item = a[i];
      if (item === undefined && !(i in a)) return this.#sparseRest(a, i);
      this.value(item);
    }
  }

  /** From the first hole on, walk only the indices that exist: a length-1e9 array with two
   * elements costs two steps, not a billion. Own integer keys come in ascending order. */
  #sparseRest(a: unknown[], from: number): void {
    let next = from;
    for (const key of Object.keys(a)) {
      const index = Number(key);
      if (!(index >= next) || String(index) !== key || index >= a.length) continue;
      this.#holes(index - next);
      this.value(a[index]);
      next = index + 1;
    }
    this.#holes(a.length - next);
  }

  #holes(count: number): void {
    if (count === 1) this.byte(T_HOLE);
    else if (count > 1) {
      this.byte(T_HOLES);
      this.varint(count);
    }
  }

  map(m: Map<unknown, unknown>): void {
    this.byte(T_MAP);
    this.varint(m.size);
    for (const [k, v] of m) {
      this.value(k);
      this.value(v);
    }
  }

  set(s: Set<unknown>): void {
    this.byte(T_SET);
    this.varint(s.size);
    for (const v of s) this.value(v);
  }

  raw(tag: number, bytes: Uint8Array): void {
    this.byte(tag);
    this.varint(bytes.length);
    this.bytes(bytes);
  }

  typedArray(kind: number, ta: Uint8Array): void {
    this.byte(T_TYPED_ARRAY);
    this.byte(kind);
    this.varint(ta.byteLength);
    const bytes = new Uint8Array(ta.buffer, ta.byteOffset, ta.byteLength);
    const at = this.pos;
    this.bytes(bytes);
    if (!LITTLE_ENDIAN) swapBytes(this.buf, at, ta.byteLength, ta.BYTES_PER_ELEMENT);
  }

  #classRef(name: string): void {
    const id = this.#classIds.get(name);
    if (id !== undefined) this.varint(id + 1);
    else {
      this.#classIds.set(name, this.#classIds.size);
      this.byte(0);
      this.string(name);
    }
  }

  instance(v: object, entry: ClassEntry): void {
    this.byte(T_CLASS);
    this.#classRef(entry.name);
    this.varint(entry.version);
    if (entry.plainState) {
      this.byte(1);
      this.fields(v as Record<string, unknown>);
    } else {
      this.byte(0);
      this.value(entry.toState(v));
    }
  }

  error(err: Error, entry: ClassEntry | undefined): void {
    this.byte(T_ERROR);
    this.byte(errorKindOf(err));
    if (entry === undefined) this.byte(0);
    else {
      this.byte(1);
      this.#classRef(entry.name);
    }
    const message = Object.getOwnPropertyDescriptor(err, 'message');
    const stack = Object.getOwnPropertyDescriptor(err, 'stack');
    const hasMessage = typeof message?.value === 'string';
    const hasStack = typeof stack?.value === 'string';
    const hasCause = Object.hasOwn(err, 'cause');
    const hasErrors = err instanceof AggregateError && Object.hasOwn(err, 'errors');
    this.byte((hasMessage ? 1 : 0) | (hasStack ? 2 : 0) | (hasCause ? 4 : 0) | (hasErrors ? 8 : 0));
    this.string(String(err.name));
    if (hasMessage) this.string(message!.value as string);
    if (hasStack) this.string(stack!.value as string);
    if (hasCause) this.value((err as { cause?: unknown }).cause);
    if (hasErrors) this.value((err as AggregateError).errors);
    const skip = (k: string) =>
      (k === 'message' && hasMessage) ||
      (k === 'stack' && hasStack) ||
      (k === 'cause' && hasCause) ||
      (k === 'errors' && hasErrors);
    const keys = Object.keys(err).filter((k) => !skip(k));
    this.varint(keys.length);
    for (const k of keys) {
      this.string(k);
      this.value((err as unknown as Record<string, unknown>)[k]);
    }
  }
}

/** Reverses each element's bytes: typed arrays are stored little-endian on every machine. */
export function swapBytes(buf: Uint8Array, at: number, length: number, size: number): void {
  if (size === 1) return;
  for (let i = at; i < at + length; i += size) buf.subarray(i, i + size).reverse();
}

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
