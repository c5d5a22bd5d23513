/**
 * The disk store's read path: an index lookup, then the value inline or from its blob file,
 * checked against the record's checksum. A damaged entry is removed and reported as
 * `ERR_CORRUPT`; a blob that vanished under a first read (replaced by another process) is
 * looked up again.
 */
import { KeepsakeError } from '../../errors.js';
import { xxh64 } from '../../hasher.js';
import type { StoreEntry } from '../store.js';
import type { BlobRead } from './blob-files.js';
import { entryChecksum } from './checksum.js';
import { ASYNC_MIN, type DiskParts } from './disk-parts.js';
import { decodeRecord, type RecordView } from './entry-record.js';
import { isDead, toEntry } from './entry-view.js';
import type { IndexDb } from './index-db.js';
import { dbKey } from './index-format.js';
import { toStoreError } from './to-store-error.js';

/** accept's answer when a value file vanished under a first read: look again. */
const RETRY: unique symbol = Symbol('retry');
/** Bytes of a codec envelope's header (see `envelopeLength`). */
const ENVELOPE_HEADER = 20;

/**
 * The sync read {@link readEntryAsync} hands small values to: the store's own `get`.
 *
 * @example
 * ```ts
 * const sync: SyncRead = { get: (key) => readEntry(parts, key) };
 * ```
 */
export interface SyncRead {
  get(key: string): StoreEntry | undefined;
}

/**
 * The entry stored under `key`, or `undefined` (missing, expired past its stale window, or
 * another key under the same long-key hash). Sync: a blob is read with sync I/O.
 *
 * @throws KeepsakeError `ERR_CORRUPT` once for a damaged entry (after removing it), `ERR_IO`
 * for a failing disk, `ERR_CLOSED` after close.
 * @example
 * ```ts
 * const entry = readEntry(parts, 'report:2024'); // { value, createdAt, ... } | undefined
 * ```
 */
export function readEntry(parts: DiskParts, key: string): StoreEntry | undefined {
  const db = parts.index.use('get', key);
  try {
    const k = dbKey(key);
    for (let attempt = 0; ; attempt++) {
      const raw = db.record(k);
      if (raw === undefined) return undefined;
      const view = decodeRecord(raw);
      if (view === undefined) return corrupt(parts, db, k, raw, key, 'the record does not parse');
      if (view.key !== key) return undefined; // another key under the same long-key hash
      const now = parts.options.now();
      if (isDead(view, now)) return undefined;
      const read: BlobRead = view.blob
        ? parts.blobs.readSync(
            raw.toString('latin1', view.bodyAt),
            view.size,
            view.envelope ? ENVELOPE_HEADER : view.size,
          )
        : {
            status: 'ok',
            bytes: raw.subarray(view.bodyAt),
            hash: xxh64(raw.subarray(view.bodyAt)),
          };
      const result = accept(parts, db, k, raw, key, view, read, now, attempt);
      if (result !== RETRY) return result;
    }
  } catch (error) {
    throw toStoreError('get', key, error);
  }
}

/**
 * {@link readEntry} without blocking the event loop on a large value: the index lookup is sync
 * (microseconds); a value file is read on libuv's threads and hashed between turns. Anything
 * smaller than {@link ASYNC_MIN}, or not in a blob, is read by `sync.get`.
 *
 * @example
 * ```ts
 * const entry = await readEntryAsync(parts, 'weights', store);
 * ```
 */
export async function readEntryAsync(
  parts: DiskParts,
  key: string,
  sync: SyncRead,
): Promise<StoreEntry | undefined> {
  const db = parts.index.use('get', key);
  try {
    const k = dbKey(key);
    for (let attempt = 0; ; attempt++) {
      const raw = db.record(k);
      if (raw === undefined) return undefined;
      const view = decodeRecord(raw);
      // Below ASYNC_MIN a sync read blocks for well under a millisecond and beats the
      // thread-pool round trips.
      if (view === undefined || !view.blob || view.size < ASYNC_MIN) return sync.get(key);
      if (view.key !== key) return undefined;
      const now = parts.options.now();
      if (isDead(view, now)) return undefined;
      const read = await parts.blobs.read(
        raw.toString('latin1', view.bodyAt),
        view.size,
        view.envelope ? ENVELOPE_HEADER : view.size,
      );
      const result = accept(parts, db, k, raw, key, view, read, now, attempt);
      if (result !== RETRY) return result;
    }
  } catch (error) {
    throw toStoreError('get', key, error);
  }
}

/** The entry a record and its value make; damage is reported (corrupt throws); RETRY when
 * the value file vanished under a first read (replaced by another process: look again). */
function accept(
  parts: DiskParts,
  db: IndexDb,
  k: string,
  raw: Buffer,
  key: string,
  view: RecordView,
  read: BlobRead,
  now: number,
  attempt: number,
): StoreEntry | typeof RETRY {
  if (read.status === 'missing' && attempt === 0) {
    db.refresh();
    return RETRY;
  }
  if (read.status !== 'ok') {
    return corrupt(parts, db, k, raw, key, `its value file is ${read.status}`);
  }
  if (entryChecksum(view, read.hash) !== view.checksum) {
    return corrupt(parts, db, k, raw, key, 'its checksum does not match');
  }
  parts.touches.record(k, view.usedAt, now);
  return toEntry(view, read.bytes);
}

/** A damaged entry: removed (unless rewritten meanwhile), then reported as ERR_CORRUPT. */
function corrupt(
  parts: DiskParts,
  db: IndexDb,
  k: string,
  raw: Buffer,
  key: string,
  why: string,
): never {
  const gone = db.remove(k, parts.options.now(), raw);
  if (gone !== undefined) parts.reaper.reap([{ ...gone, live: false }]);
  throw new KeepsakeError('ERR_CORRUPT', `disk entry ${JSON.stringify(key)} is damaged: ${why}`, {
    hint: 'it was removed and counts as a miss; run `keepsake verify` if this repeats',
  });
}
