/**
 * The disk store's write path: a large value goes to a fresh blob file first, then one commit
 * publishes its record (evicting for room and recording pending reads on the way), and only
 * after that commit is a replaced or evicted blob unlinked. `setMany` runs many writes in one
 * commit per batch.
 */
import { xxh64 } from '../../hasher.js';
import type { StoreEntry } from '../store.js';
import { entryChecksum, envelopeLength } from './checksum.js';
import { ASYNC_MIN, type DiskParts } from './disk-parts.js';
import { decodeRecord, encodeRecord } from './entry-record.js';
import { checkBytes, closedError } from './entry-view.js';
import type { IndexDb } from './index-db.js';
import { dbKey } from './index-format.js';
import { safely } from './safely.js';
import { toStoreError } from './to-store-error.js';
import type { Upkeep } from './upkeep.js';

/** Entries per commit in `setMany`. */
const BULK_BATCH = 10_000;

/**
 * The sync write that {@link EntryWriter.setAsync} hands small values to and
 * {@link EntryWriter.setMany} calls per entry: the store's own `set`.
 *
 * @example
 * ```ts
 * const sync: SyncWrite = { set: (key, entry) => writer.set(key, entry) };
 * ```
 */
export interface SyncWrite {
  set(key: string, entry: StoreEntry): void;
}

/**
 * Writes entries to one disk store. Its only state is the open `setMany` batch, whose unlinks
 * wait for the batch's commit.
 *
 * @example
 * ```ts
 * const writer = new EntryWriter(parts, upkeep);
 * writer.set('k', { value: serialize(42), createdAt: Date.now() });
 * ```
 */
export class EntryWriter {
  readonly #parts: DiskParts;
  readonly #upkeep: Upkeep;
  /** Inside `setMany`: work that must wait for the batch's commit. */
  #deferred: Array<() => void> | undefined;

  constructor(parts: DiskParts, upkeep: Upkeep) {
    this.#parts = parts;
    this.#upkeep = upkeep;
  }

  /** Stores `entry` under `key` with sync I/O; throws a KeepsakeError. */
  set(key: string, entry: StoreEntry): void {
    const { index, options, blobs } = this.#parts;
    const db = index.use('set', key);
    const value = checkBytes(options.name, entry);
    const file = value.byteLength > options.inlineMax ? blobs.newName() : null;
    try {
      if (this.#skip(db, key, entry, value)) return;
      const hashLength = file === null ? value.byteLength : envelopeLength(value);
      const valueHash = file === null ? xxh64(value) : blobs.writeSync(file, value, hashLength);
      this.#commit(db, key, entry, value, file, valueHash, hashLength);
    } catch (error) {
      if (file !== null) safely(() => blobs.removeSync(file));
      throw toStoreError('set', key, error);
    }
  }

  /**
   * {@link set} without blocking the event loop on a large value: the blob is written on
   * libuv's threads. A value that stays inline, or is below {@link ASYNC_MIN}, goes to `sync`.
   */
  async setAsync(key: string, entry: StoreEntry, sync: SyncWrite): Promise<void> {
    const { index, options, blobs } = this.#parts;
    const db = index.use('set', key);
    const value = checkBytes(options.name, entry);
    if (value.byteLength <= Math.max(options.inlineMax, ASYNC_MIN)) {
      return sync.set(key, entry);
    }
    const file = blobs.newName();
    try {
      if (this.#skip(db, key, entry, value)) return;
      const hashLength = envelopeLength(value);
      const valueHash = await blobs.write(file, value, hashLength);
      if (index.closed) throw closedError();
      this.#commit(db, key, entry, value, file, valueHash, hashLength);
    } catch (error) {
      safely(() => blobs.removeSync(file));
      throw toStoreError('set', key, error);
    }
  }

  /**
   * Writes many entries through `sync.set` with one commit per {@link BULK_BATCH} of them. A
   * failure aborts the batch it happens in (earlier batches stay) and is thrown.
   */
  setMany(entries: Iterable<readonly [string, StoreEntry]>, sync: SyncWrite): void {
    const db = this.#parts.index.use('set');
    let batch: Array<readonly [string, StoreEntry]> = [];
    const flush = () => {
      const after: Array<() => void> = [];
      this.#deferred = after;
      try {
        db.batch(() => {
          for (const [key, entry] of batch) sync.set(key, entry);
        });
      } finally {
        this.#deferred = undefined;
        batch = [];
      }
      // Unlinks of replaced or evicted blobs wait for the batch's commit, as in `set`.
      for (const fn of after) fn();
    };
    for (const item of entries) {
      batch.push(item);
      if (batch.length >= BULK_BATCH) flush();
    }
    if (batch.length > 0) flush();
  }

  /** Handles the writes that store nothing: already dead, or larger than the whole bound. */
  #skip(db: IndexDb, key: string, entry: StoreEntry, value: Uint8Array): boolean {
    const { options, reaper } = this.#parts;
    const deadline = entry.staleUntil ?? entry.expiresAt;
    const dead = deadline !== undefined && deadline <= options.now();
    if (!dead && value.byteLength <= options.maxBytes) return false;
    // The old value must not outlive a newer write that could not be kept.
    const gone = db.remove(dbKey(key), options.now());
    if (gone !== undefined) reaper.reap([gone]);
    return true;
  }

  #commit(
    db: IndexDb,
    key: string,
    entry: StoreEntry,
    value: Uint8Array,
    file: string | null,
    valueHash: bigint,
    hashLength: number,
  ): void {
    const { options, touches, reaper } = this.#parts;
    const now = options.now();
    const tags = entry.tags === undefined || entry.tags.length === 0 ? null : [...entry.tags];
    const fields = {
      key,
      createdAt: entry.createdAt,
      expiresAt: entry.expiresAt ?? null,
      staleUntil: entry.staleUntil ?? null,
      size: value.byteLength,
      tagsJson: tags === null ? null : JSON.stringify(tags),
      checksum: 0,
    };
    const record = encodeRecord(
      { ...fields, checksum: entryChecksum(fields, valueHash) },
      file === null ? value : Buffer.from(file, 'latin1'),
      file !== null,
      hashLength < value.byteLength,
    );
    const view = decodeRecord(record)!;
    const maxBytes = options.maxBytes;
    const result = db.put(
      dbKey(key),
      record,
      view,
      file,
      now,
      {
        maxBytes,
        lowWater: Math.floor(maxBytes * 0.9),
      },
      touches.take(),
    );
    // Unlink only after the commit: until then the old record (and its file) is what readers see.
    const after = () => {
      if (result.replaced !== null) reaper.removeBlob(result.replaced);
      reaper.reap(result.evicted, 'capacity');
    };
    if (this.#deferred !== undefined) {
      this.#deferred.push(after);
      return;
    }
    after();
    this.#upkeep.afterWrite(db, now);
  }
}
