/**
 * The decoder's readers for raw-byte values: big BigInts, ArrayBuffer, DataView, Buffer and
 * typed arrays. Each body is a varint byte length and the bytes; the length is checked against
 * what remains before anything is allocated.
 *
 * ```text
 * 0xa5 BigInt       sign byte (1 = negative), varint n, n magnitude bytes little-endian
 * 0xa8 ArrayBuffer  varint n, n bytes          0xaa DataView  varint n, n bytes
 * 0xab Buffer       varint n, n bytes
 * 0xa9 typed array  kind byte (TYPED_ARRAY_KINDS), varint n, n bytes, elements little-endian
 * ```
 */
import { Buffer } from 'node:buffer';
import { corrupt } from './corrupt.js';
import type { Decoder } from './decoder.js';
import { TYPED_ARRAY_KINDS } from './format.js';
import { LITTLE_ENDIAN, swapBytes } from './swap-bytes.js';

/** The next varint-length-prefixed bytes, as a view of the input (no copy). */
function rawBytes(d: Decoder): Buffer {
  const n = d.varint();
  d.need(n);
  d.pos += n;
  return d.buf.subarray(d.pos - n, d.pos);
}

/**
 * Reads a BigInt body (after the 0xa5 tag): sign byte, then the magnitude.
 *
 * @example
 * ```ts
 * case T_BIG_INT: return readBigInt(this);
 * ```
 */
export function readBigInt(d: Decoder): bigint {
  d.need(1);
  const negative = d.buf[d.pos++] === 1;
  const bytes = rawBytes(d);
  const hex = Buffer.from(bytes).reverse().toString('hex');
  const magnitude = hex.length === 0 ? 0n : BigInt(`0x${hex}`);
  return negative ? -magnitude : magnitude;
}

/**
 * Reads an ArrayBuffer body (after the 0xa8 tag) into a fresh ArrayBuffer.
 *
 * @example
 * ```ts
 * case T_ARRAY_BUFFER: return readArrayBuffer(this);
 * ```
 */
export function readArrayBuffer(d: Decoder): ArrayBuffer {
  const bytes = rawBytes(d);
  const ab = new ArrayBuffer(bytes.length);
  new Uint8Array(ab).set(bytes);
  d.remember(ab);
  return ab;
}

/**
 * Reads a DataView body (after the 0xaa tag) into a DataView over a fresh ArrayBuffer.
 *
 * @example
 * ```ts
 * case T_DATA_VIEW: return readDataView(this);
 * ```
 */
export function readDataView(d: Decoder): DataView {
  const bytes = rawBytes(d);
  const dv = new DataView(new ArrayBuffer(bytes.length));
  new Uint8Array(dv.buffer).set(bytes);
  d.remember(dv);
  return dv;
}

/**
 * Reads a Buffer body (after the 0xab tag) into a Buffer of its own.
 *
 * @example
 * ```ts
 * case T_BUFFER: return readBuffer(this);
 * ```
 */
export function readBuffer(d: Decoder): Buffer {
  const bytes = rawBytes(d);
  const out = Buffer.allocUnsafe(bytes.length);
  out.set(bytes);
  d.remember(out);
  return out;
}

/**
 * Reads a typed array body (after the 0xa9 tag): kind byte, then whole elements.
 *
 * @example
 * ```ts
 * case T_TYPED_ARRAY: return readTypedArray(this);
 * ```
 */
export function readTypedArray(d: Decoder): ArrayBufferView {
  d.need(1);
  const Ctor = TYPED_ARRAY_KINDS[d.buf[d.pos++]!];
  if (Ctor === undefined) throw corrupt('unknown typed array kind');
  const bytes = rawBytes(d);
  const size = Ctor.BYTES_PER_ELEMENT;
  if (bytes.length % size !== 0) throw corrupt('typed array length is not whole elements');
  // allocUnsafeSlow: an unpooled, aligned buffer that skips zero-filling what is overwritten.
  const target = Buffer.allocUnsafeSlow(bytes.length);
  target.set(bytes);
  const out = new Ctor(target.buffer, 0, bytes.length / size);
  if (!LITTLE_ENDIAN) swapBytes(target, 0, bytes.length, size);
  d.remember(out);
  return out;
}
