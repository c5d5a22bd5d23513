/**
 * Writes one value's payload: the slab it writes into, the type dispatch, and the walk over
 * containers (arrays, objects with the shape trie, Map, Set), strings and numbers. Values that
 * are rarer or carry more rules are written by their own modules: `write-string.ts` (long or
 * non-ASCII strings), `write-binary.ts` (BigInt, bytes, typed arrays), `write-sparse.ts`
 * (arrays with holes) and `write-other.ts` (registered classes, errors, RegExp, ...). The
 * layout itself is drawn in `format.ts`.
 */
import { Buffer } from 'node:buffer';
import {
  FLAG_NO_REFS,
  HEADER_SIZE,
  T_ARRAY,
  T_BUFFER,
  T_DATE,
  T_FALSE,
  T_FIX_ARRAY,
  T_FIX_SHAPE,
  T_FIX_STR,
  T_FLOAT64,
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
  T_SET,
  T_TRUE,
  T_UINT8,
  T_UINT16,
  T_UINT32,
  T_UNDEFINED,
  TYPED_ARRAY_KINDS,
} from './format.js';
import { UnserializableValue } from './unserializable-value.js';
import { writeBigInt, writeRaw, writeTypedArray } from './write-binary.js';
import { writeFunction } from './write-class.js';
import { writeOther } from './write-other.js';
import { writeSparseRest } from './write-sparse.js';
import { writeString } from './write-string.js';

const SLAB_SIZE = 64 * 1024;
const MAX_SHAPE_KEYS = 64;
const MAX_SHAPE_NODES = 50_000;

const typedArrayKind = new Map<object, number>(
  TYPED_ARRAY_KINDS.map((ctor, kind) => [ctor.prototype, kind]),
);

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

/**
 * Writes one value's payload into a growing slab. Results are views of the slab (no final
 * copy); a slab is only ever written past the end of earlier results, so they stay valid.
 *
 * @example
 * ```ts
 * const encoder = new Encoder();
 * encoder.begin(); // leaves room for the envelope header
 * encoder.value({ id: 1, tags: new Set(['a']) });
 * const unsealed = encoder.end(); // header room + payload, a view of the slab
 * ```
 */
export class Encoder {
  buf: Buffer = Buffer.allocUnsafe(0);
  view: DataView = new DataView(this.buf.buffer);
  start = 0;
  pos = 0;
  #refs = new Map<object, number>();
  #nextRef = 0;
  #wroteRef = false;
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
    this.#wroteRef = false;
    this.#nextShape = 0;
    this.#epoch = ++epochCounter;
    if (this.#refs.size > 0) this.#refs = new Map();
    if (this.#classIds.size > 0) this.#classIds.clear();
    return this.start;
  }

  /** Ends a message: the bytes written since `begin`, a view of the slab. The header room's
   * flags byte already says whether the payload holds a back-reference; `seal` adds the rest. */
  end(): Buffer {
    const out = this.buf.subarray(this.start, this.pos);
    out[13] = this.#wroteRef ? 0 : FLAG_NO_REFS;
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
        writeBigInt(this, v);
        return;
      case 'function':
        writeFunction(this, v);
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
          writeString(this, s);
          return;
        }
        buf[p++] = c;
      }
      buf[at] = T_FIX_STR | len;
      this.pos = p;
      return;
    }
    writeString(this, s);
  }

  object(v: object): void {
    const ref = this.#refs.get(v);
    if (ref !== undefined) {
      this.#wroteRef = true;
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
    if (proto === Buffer.prototype) return writeRaw(this, T_BUFFER, v as Buffer);
    const kind = typedArrayKind.get(proto);
    if (kind !== undefined) return writeTypedArray(this, kind, v as Uint8Array);
    return writeOther(this, v, proto);
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
        this.#values(v, keys);
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
    this.#values(v, keys);
  }

  /** Writes the values of `keys`, read with one `Object.values` call: for a plain object V8
   * reads its fields in one builtin, where `v[key]` per key is a megamorphic load each (P1
   * encode 1.02-1.11x). A getter that deletes a later key shortens that list; then the values
   * are read again key by key, so each still lands under its own key. */
  #values(v: Record<string, unknown>, keys: string[]): void {
    const n = keys.length;
    const values = Object.values(v);
    if (values.length === n) for (let i = 0; i < n; i++) this.value(values[i]);
    else for (let i = 0; i < n; i++) this.value(v[keys[i]!]);
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
      if (item === undefined && !(i in a)) return writeSparseRest(this, a, i);
      this.value(item);
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

  /** Writes a class ref: id + 1 for a name already written, else 0 and the name. */
  classRef(name: string): void {
    const id = this.#classIds.get(name);
    if (id !== undefined) this.varint(id + 1);
    else {
      this.#classIds.set(name, this.#classIds.size);
      this.byte(0);
      this.string(name);
    }
  }
}
