/**
 * Encoding of one `entries` record (the layout is drawn in `index-format.ts`, which owns the
 * disk format): a fixed 64-byte header, the key, the tags, then the value bytes (inline) or the blob
 * name. Records are written once and never updated in place.
 */

/**
 * Bytes before the key.
 *
 * @example
 * ```ts
 * const key = raw.toString('utf8', HEADER_SIZE, HEADER_SIZE + keyLength);
 * ```
 */
export const HEADER_SIZE = 64;
/**
 * Offset of `usedAt` (float64 LE), the one field rewritten in place when a read is recorded.
 *
 * @example
 * ```ts
 * raw.writeDoubleLE(Date.now(), USED_AT); // record a read
 * ```
 */
export const USED_AT = 40;
/**
 * The record layout version (byte 0).
 *
 * @example
 * ```ts
 * if (raw[0] !== RECORD_VERSION) return undefined;
 * ```
 */
export const RECORD_VERSION = 1;
/**
 * Flag bit: the value lives in a blob file and the record ends with its name.
 *
 * @example
 * ```ts
 * const blob = (raw[1]! & FLAG_BLOB) !== 0;
 * ```
 */
export const FLAG_BLOB = 1;
/**
 * Flag bit: the value is a codec envelope whose checksum covers its payload, so the entry
 * checksum hashes only its 20-byte header (which holds that checksum) — see `envelopeLength`.
 *
 * @example
 * ```ts
 * const hashLength = (raw[1]! & FLAG_ENVELOPE) !== 0 ? 20 : size;
 * ```
 */
export const FLAG_ENVELOPE = 2;

/** A record's header fields, key and tags decoded; the value located but not copied. */
export interface RecordView {
  readonly key: string;
  readonly blob: boolean;
  /** The checksum hashed only the codec header ({@link FLAG_ENVELOPE}). */
  readonly envelope: boolean;
  readonly createdAt: number;
  readonly expiresAt: number | null;
  readonly staleUntil: number | null;
  readonly size: number;
  readonly checksum: number;
  /** Last recorded use, epoch ms (not covered by the checksum). */
  readonly usedAt: number;
  /** The tags as stored (a JSON array), or `null`. */
  readonly tagsJson: string | null;
  /** Where the inline value or the blob name starts in the record. */
  readonly bodyAt: number;
}

/** The fields a record is built from. */
export interface RecordFields {
  readonly key: string;
  readonly createdAt: number;
  readonly expiresAt: number | null;
  readonly staleUntil: number | null;
  readonly size: number;
  readonly checksum: number;
  readonly tagsJson: string | null;
}

/**
 * Builds a record: `body` is the inline value or the blob name's bytes.
 *
 * @example
 * ```ts
 * const rec = encodeRecord(fields, value, false);
 * ```
 */
export function encodeRecord(
  fields: RecordFields,
  body: Uint8Array,
  blob: boolean,
  envelope = false,
): Buffer {
  const keyLength = Buffer.byteLength(fields.key);
  const tagsLength = fields.tagsJson === null ? 0 : Buffer.byteLength(fields.tagsJson);
  const out = Buffer.allocUnsafe(HEADER_SIZE + keyLength + tagsLength + body.byteLength);
  out[0] = RECORD_VERSION;
  out[1] = (blob ? FLAG_BLOB : 0) | (envelope ? FLAG_ENVELOPE : 0);
  out.writeUInt16LE(0, 2);
  out.writeUInt32LE(keyLength, 4);
  out.writeUInt32LE(tagsLength, 8);
  out.writeUInt32LE(0, 12);
  out.writeDoubleLE(fields.createdAt, 16);
  out.writeDoubleLE(fields.expiresAt ?? Number.NaN, 24);
  out.writeDoubleLE(fields.staleUntil ?? Number.NaN, 32);
  out.writeDoubleLE(0, USED_AT);
  out.writeDoubleLE(fields.size, 48);
  out.writeDoubleLE(fields.checksum, 56);
  out.write(fields.key, HEADER_SIZE);
  if (fields.tagsJson !== null) out.write(fields.tagsJson, HEADER_SIZE + keyLength);
  out.set(body, HEADER_SIZE + keyLength + tagsLength);
  return out;
}

/**
 * Reads a record's header, key and tags; `undefined` when the bytes cannot be a record (a
 * flipped length, a torn or foreign value): the caller treats that as corruption.
 *
 * @example
 * ```ts
 * const view = decodeRecord(raw);
 * const value = view && !view.blob ? raw.subarray(view.bodyAt) : undefined;
 * ```
 */
export function decodeRecord(raw: Buffer): RecordView | undefined {
  if (raw.length < HEADER_SIZE || raw[0] !== RECORD_VERSION) return undefined;
  const keyLength = raw.readUInt32LE(4);
  const tagsLength = raw.readUInt32LE(8);
  const bodyAt = HEADER_SIZE + keyLength + tagsLength;
  if (bodyAt > raw.length) return undefined;
  const size = raw.readDoubleLE(48);
  const blob = (raw[1]! & FLAG_BLOB) !== 0;
  if (!Number.isSafeInteger(size) || size < 0) return undefined;
  if (!blob && bodyAt + size !== raw.length) return undefined;
  const expiresAt = raw.readDoubleLE(24);
  const staleUntil = raw.readDoubleLE(32);
  return {
    key: raw.toString('utf8', HEADER_SIZE, HEADER_SIZE + keyLength),
    blob,
    envelope: (raw[1]! & FLAG_ENVELOPE) !== 0,
    createdAt: raw.readDoubleLE(16),
    expiresAt: Number.isNaN(expiresAt) ? null : expiresAt,
    staleUntil: Number.isNaN(staleUntil) ? null : staleUntil,
    size,
    checksum: raw.readDoubleLE(56),
    usedAt: raw.readDoubleLE(USED_AT),
    tagsJson: tagsLength === 0 ? null : raw.toString('utf8', HEADER_SIZE + keyLength, bodyAt),
    bodyAt,
  };
}
