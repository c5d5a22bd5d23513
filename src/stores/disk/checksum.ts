import { HEADER_SIZE, MAGIC } from '../../codec/format.js';
import { hasher } from '../../hasher.js';

/**
 * Bytes hashed per step: bounds the copy into wasm memory and the time between yields.
 *
 * @example
 * ```ts
 * for (let at = 0; at < n; at += HASH_CHUNK) state.update(bytes.subarray(at, at + HASH_CHUNK));
 * ```
 */
export const HASH_CHUNK = 1 << 20;

/** The low 53 bits of an xxh64: a checksum that round-trips exactly through a JS number. */
const LOW_53 = (1n << 53n) - 1n;

/**
 * The xxh64 of `bytes`. Large inputs are fed in {@link HASH_CHUNK} steps: `h64Raw` copies its
 * whole input into wasm memory (and never gives the memory back), which for a 500 MB value
 * would be a second copy of it.
 *
 * @example
 * ```ts
 * const h = hashBytes(new Uint8Array([1, 2, 3]));
 * ```
 */
export function hashBytes(bytes: Uint8Array): bigint {
  if (bytes.byteLength <= HASH_CHUNK) return hasher.h64Raw(bytes);
  const state = hasher.create64();
  for (let at = 0; at < bytes.byteLength; at += HASH_CHUNK) {
    state.update(bytes.subarray(at, at + HASH_CHUNK));
  }
  return state.digest();
}

/**
 * {@link hashBytes} for async callers: yields to the event loop between chunks, so hashing a
 * value of hundreds of MB never holds the loop for more than about a millisecond at a time.
 *
 * @example
 * ```ts
 * const h = await hashBytesAsync(bigValue);
 * ```
 */
export async function hashBytesAsync(bytes: Uint8Array): Promise<bigint> {
  if (bytes.byteLength <= HASH_CHUNK) return hasher.h64Raw(bytes);
  const state = hasher.create64();
  for (let at = 0; at < bytes.byteLength; at += HASH_CHUNK) {
    state.update(bytes.subarray(at, at + HASH_CHUNK));
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return state.digest();
}

/** The metadata an entry checksum covers besides the value. */
export interface ChecksumFields {
  readonly key: string;
  readonly createdAt: number;
  readonly expiresAt: number | null;
  readonly staleUntil: number | null;
  readonly tagsJson: string | null;
  readonly size: number;
}

/**
 * The checksum stored with an entry: xxh64 over its key and metadata, seeded with the hash of
 * its value bytes, cut to 53 bits so it is an exact JS number (and SQLite INTEGER). Covering the
 * key means a row or file that somehow answers for another key is caught like a flipped byte.
 *
 * @example
 * ```ts
 * const sum = entryChecksum(fields, hashBytes(value));
 * ```
 */
export function entryChecksum(fields: ChecksumFields, valueHash: bigint): number {
  const text = `${fields.key}\u0000${fields.createdAt}\u0000${fields.expiresAt ?? ''}\u0000${
    fields.staleUntil ?? ''
  }\u0000${fields.tagsJson ?? ''}\u0000${fields.size}`;
  return Number(hasher.h64(text, valueHash) & LOW_53);
}

/**
 * How many leading bytes of a blob value the entry checksum must hash: its whole length, or
 * only the 20-byte header when the value is a complete codec envelope (magic, then a length
 * field that matches). The envelope's own xxh64 covers its payload and is checked whenever it
 * is decoded — the cache removes and counts an entry that fails it — so hashing megabytes a
 * second time here would only double the cost of a large read.
 *
 * @example
 * ```ts
 * envelopeLength(serialize(new Float64Array(1e6))); // 20
 * envelopeLength(new Uint8Array(100)); // 100
 * ```
 */
export function envelopeLength(bytes: Uint8Array): number {
  const n = bytes.byteLength;
  if (n < HEADER_SIZE) return n;
  for (let i = 0; i < MAGIC.length; i++) if (bytes[i] !== MAGIC[i]) return n;
  const view = new DataView(bytes.buffer, bytes.byteOffset, HEADER_SIZE);
  return view.getUint32(16, true) === n - HEADER_SIZE ? HEADER_SIZE : n;
}
