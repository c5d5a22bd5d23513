/**
 * The encoder's writers for raw-byte values: BigInts past 64 bits, byte containers
 * (ArrayBuffer, DataView, Buffer) and typed arrays, copied into the slab in one `set`.
 *
 * ```text
 * 0xa4 BigInt64     int64 LE (every BigInt that fits)
 * 0xa5 BigInt       sign byte (1 = negative), varint n, n magnitude bytes little-endian
 * 0xa8 / 0xaa / 0xab  ArrayBuffer / DataView / Buffer: varint n, n bytes
 * 0xa9 typed array  kind byte (TYPED_ARRAY_KINDS), varint n, n bytes, elements little-endian
 * ```
 */
import { Buffer } from 'node:buffer';
import type { Encoder } from './encoder.js';
import { T_BIG_INT, T_BIG_INT64, T_TYPED_ARRAY } from './format.js';
import { LITTLE_ENDIAN, swapBytes } from './swap-bytes.js';

/**
 * Writes a BigInt: 9 bytes when it fits in 64 bits, else sign and magnitude.
 *
 * @example
 * ```ts
 * writeBigInt(encoder, 2n ** 100n); // 0xa5 0x00 0x0d then 13 magnitude bytes
 * ```
 */
export function writeBigInt(e: Encoder, v: bigint): void {
  if (v >= -0x8000000000000000n && v <= 0x7fffffffffffffffn) {
    e.ensure(9);
    e.buf[e.pos++] = T_BIG_INT64;
    e.view.setBigInt64(e.pos, v, true);
    e.pos += 8;
    return;
  }
  const negative = v < 0n;
  let hex = (negative ? -v : v).toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  const magnitude = Buffer.from(hex, 'hex').reverse();
  e.byte(T_BIG_INT);
  e.byte(negative ? 1 : 0);
  e.varint(magnitude.length);
  e.bytes(magnitude);
}

/**
 * Writes `tag`, then `bytes` with a varint length in front.
 *
 * @example
 * ```ts
 * writeRaw(encoder, T_ARRAY_BUFFER, new Uint8Array(arrayBuffer));
 * ```
 */
export function writeRaw(e: Encoder, tag: number, bytes: Uint8Array): void {
  e.byte(tag);
  e.varint(bytes.length);
  e.bytes(bytes);
}

/**
 * Writes a typed array of kind `kind` (its index in `TYPED_ARRAY_KINDS`), elements
 * little-endian.
 *
 * @example
 * ```ts
 * writeTypedArray(encoder, 8, new Float64Array([1.5, 2.5])); // 0xa9 0x08 0x10 then 16 bytes
 * ```
 */
export function writeTypedArray(e: Encoder, kind: number, ta: Uint8Array): void {
  e.byte(T_TYPED_ARRAY);
  e.byte(kind);
  e.varint(ta.byteLength);
  const bytes = new Uint8Array(ta.buffer, ta.byteOffset, ta.byteLength);
  const at = e.pos;
  e.bytes(bytes);
  if (!LITTLE_ENDIAN) swapBytes(e.buf, at, ta.byteLength, ta.BYTES_PER_ELEMENT);
}
