/**
 * How one cache entry sits in Redis: a hash under `<prefix>e:<key>` with up to three fields,
 * read back with a single `HMGET key v m t` (one round trip per `get`).
 *
 * ```text
 *   keepsake:e:users:42            (hash, PEXPIRE = entry deadline, or defaultTtl)
 *     v   <codec bytes, as serialize() made them>
 *     m   metadata, little-endian:
 *           byte 0      format version (META_VERSION = 1)
 *           byte 1      flags: 1 expiresAt, 2 staleUntil, 4 size
 *           bytes 2-9   createdAt   float64 epoch ms
 *           then, in flag order, one float64 each for expiresAt, staleUntil, size
 *         e.g. 01 03 <createdAt> <expiresAt> <staleUntil>            (26 bytes)
 *     t   tags as a JSON array, e.g. ["users:user:42","users:team:7"]; absent without tags
 * ```
 *
 * Why a hash and not one string with a header: the tag check in the invalidation script
 * (`scripts.ts`) reads `t` alone with `HGET` and decodes it with Redis's bundled `cjson`, without
 * loading a multi-megabyte value into Lua. The metadata is binary because it is decoded on every
 * hit; the tags are JSON because Lua reads them.
 *
 * Related keys: `<prefix>t:<tag>` (a set of entry keys carrying the tag, expiring with its
 * longest-lived entry), `<prefix>l:<key>` (a lease), and the pub/sub channel `<prefix>events`.
 */
import { KeepsakeError } from '../../errors.js';
import type { StoreEntry } from '../store.js';

/** The metadata layout version written in byte 0 of `m`. */
export const META_VERSION = 1;

const HAS_EXPIRES = 1;
const HAS_STALE = 2;
const HAS_SIZE = 4;

/**
 * Encodes an entry's times and size as the `m` field.
 *
 * @example
 * ```ts
 * const m = encodeMeta({ value: bytes, createdAt: Date.now(), expiresAt: Date.now() + 60_000 });
 * ```
 */
export function encodeMeta(entry: StoreEntry): Buffer {
  let flags = 0;
  let length = 10;
  if (entry.expiresAt !== undefined) {
    flags |= HAS_EXPIRES;
    length += 8;
  }
  if (entry.staleUntil !== undefined) {
    flags |= HAS_STALE;
    length += 8;
  }
  if (entry.size !== undefined) {
    flags |= HAS_SIZE;
    length += 8;
  }
  const out = Buffer.allocUnsafe(length);
  out[0] = META_VERSION;
  out[1] = flags;
  out.writeDoubleLE(entry.createdAt, 2);
  let at = 10;
  if (entry.expiresAt !== undefined) at = out.writeDoubleLE(entry.expiresAt, at);
  if (entry.staleUntil !== undefined) at = out.writeDoubleLE(entry.staleUntil, at);
  if (entry.size !== undefined) out.writeDoubleLE(entry.size, at);
  return out;
}

/**
 * Encodes an entry's tags as the `t` field: a JSON array, or `''` for none (the set script then
 * removes the field).
 *
 * @example
 * ```ts
 * encodeTags(['a', 'b']); // '["a","b"]'
 * ```
 */
export function encodeTags(tags: readonly string[] | undefined): string {
  return tags === undefined || tags.length === 0 ? '' : JSON.stringify(tags);
}

/**
 * Rebuilds an entry from the `HMGET v m t` reply; `undefined` when the hash is absent. The value
 * is a plain `Uint8Array` view on the reply's memory (no copy).
 *
 * @throws KeepsakeError `ERR_CORRUPT` for a metadata field that does not parse, `ERR_FORMAT`
 * for a newer metadata version.
 * @example
 * ```ts
 * const [v, m, t] = await client.hmgetBuffer(redisKey, 'v', 'm', 't');
 * const entry = decodeEntry(v, m, t);
 * ```
 */
export function decodeEntry(
  v: Buffer | null | undefined,
  m: Buffer | null | undefined,
  t: Buffer | null | undefined,
): StoreEntry | undefined {
  if (v == null || m == null) return undefined;
  if (m.length < 10) throw corrupt('metadata shorter than 10 bytes');
  if (m[0] !== META_VERSION) {
    throw new KeepsakeError('ERR_FORMAT', `redisStore: entry metadata version ${m[0]} is unknown`, {
      hint: 'a newer keepsake wrote this entry; use a separate prefix per version, or upgrade',
    });
  }
  const flags = m[1]!;
  const want = 10 + 8 * (((flags & 1) + ((flags >> 1) & 1) + ((flags >> 2) & 1)) as number);
  if (m.length !== want) throw corrupt(`metadata is ${m.length} bytes, expected ${want}`);
  const createdAt = m.readDoubleLE(2);
  let at = 10;
  let expiresAt: number | undefined;
  let staleUntil: number | undefined;
  let size: number | undefined;
  if (flags & HAS_EXPIRES) {
    expiresAt = m.readDoubleLE(at);
    at += 8;
  }
  if (flags & HAS_STALE) {
    staleUntil = m.readDoubleLE(at);
    at += 8;
  }
  if (flags & HAS_SIZE) size = m.readDoubleLE(at);
  let tags: string[] | undefined;
  if (t != null && t.length > 0) {
    try {
      tags = JSON.parse(t.toString('utf8')) as string[];
    } catch (cause) {
      throw corrupt('tags are not JSON', cause);
    }
    if (!Array.isArray(tags)) throw corrupt('tags are not an array');
  }
  const value = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  return { value, createdAt, expiresAt, staleUntil, tags, size };
}

function corrupt(what: string, cause?: unknown): KeepsakeError {
  return new KeepsakeError('ERR_CORRUPT', `redisStore: ${what}`, {
    cause,
    hint: 'the key was written by something other than keepsake; use a prefix of its own',
  });
}
