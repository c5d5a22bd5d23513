import { HEADER_SIZE, MAGIC } from '../../codec/format.js';
import { hasher } from '../../hasher.js';

/** The low 53 bits of an xxh64: a checksum that round-trips exactly through a JS number. */
const LOW_53 = (1n << 53n) - 1n;

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
 * const sum = entryChecksum(fields, xxh64(value));
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
