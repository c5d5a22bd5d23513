/**
 * Binary values in the canonical key encoding (see encode.ts for the layout): typed arrays,
 * DataView, ArrayBuffer and Buffer, written as their bytes, or past {@link LARGE_BYTES} as one
 * digest per {@link CHUNK_BYTES} so a large buffer is hashed where it lies instead of copied.
 */
import { byte, digestExternal, raw, reserve, varint, w } from './writer.js';

/** Binary values at least this long are hashed in chunks instead of copied (`0x10`). */
export const LARGE_BYTES = 64 * 1024;
/** Chunk size of the `0x10` digests; part of the format. */
export const CHUNK_BYTES = 256 * 1024;

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * The binary built-ins a key accepts, by exact prototype, with the type byte that keeps equal
 * bytes of different types apart (a Buffer and a Uint8Array differ). Part of the format.
 *
 * @example
 * ```ts
 * const type = new Map(BINARY_TYPES).get(Object.getPrototypeOf(value)); // 12 for a Float64Array
 * ```
 */
export const BINARY_TYPES: ReadonlyArray<[object, number]> = [
  [ArrayBuffer.prototype, 1],
  [DataView.prototype, 2],
  [Buffer.prototype, 3],
  [Uint8Array.prototype, 4],
  [Int8Array.prototype, 5],
  [Uint8ClampedArray.prototype, 6],
  [Int16Array.prototype, 7],
  [Uint16Array.prototype, 8],
  [Int32Array.prototype, 9],
  [Uint32Array.prototype, 10],
  [Float32Array.prototype, 11],
  [Float64Array.prototype, 12],
  [BigInt64Array.prototype, 13],
  [BigUint64Array.prototype, 14],
  [SharedArrayBuffer.prototype, 15],
];

/**
 * Encodes a binary value (`0x0f`, or `0x10` with chunk digests from {@link LARGE_BYTES}) at
 * `w.pos`, its element bytes little-endian on every host.
 *
 * @example
 * ```ts
 * binary(new Float64Array([1, 2]), 12); // 0f 0c 10 <16 bytes>
 * ```
 */
export function binary(o: object, type: number): void {
  const isView = ArrayBuffer.isView(o);
  const bytes = isView
    ? new Uint8Array(o.buffer, o.byteOffset, o.byteLength)
    : new Uint8Array(o as ArrayBuffer);
  const width = isView && !(o instanceof DataView) ? (o as Uint8Array).BYTES_PER_ELEMENT : 1;
  const data = LITTLE_ENDIAN || width === 1 ? bytes : swapped(bytes, width);
  const n = data.byteLength;
  if (n < LARGE_BYTES) {
    byte(0x0f);
    byte(type);
    varint(n);
    raw(data);
    return;
  }
  byte(0x10);
  byte(type);
  varint(n);
  const chunks = Math.ceil(n / CHUNK_BYTES);
  // Staging area for chunk copies sits past all the digests this value will write.
  reserve(chunks * 16 + CHUNK_BYTES + 64);
  const staging = w.pos + chunks * 16;
  for (let at = 0; at < n; at += CHUNK_BYTES) {
    digestExternal(data.subarray(at, Math.min(n, at + CHUNK_BYTES)), staging);
  }
}

/** Big-endian hosts only: element bytes reversed so the key is the little-endian one. */
function swapped(bytes: Uint8Array, width: number): Uint8Array {
  const out = new Uint8Array(bytes.byteLength);
  for (let i = 0; i < bytes.byteLength; i += width) {
    for (let j = 0; j < width; j++) out[i + j] = bytes[i + width - 1 - j]!;
  }
  return out;
}
