import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { KeepsakeError } from '../errors.js';
import { BlobFiles, type BlobRead } from './disk/blob-files.js';
import { entryChecksum, envelopeLength, hashBytes } from './disk/checksum.js';
import { decodeRecord, encodeRecord, type RecordView } from './disk/entry-record.js';
import { checkBytes, closedError, isDead, toEntry } from './disk/entry-view.js';
import { IndexDb, type Removed } from './disk/index-db.js';
import { dbKey, INDEX_FILE } from './disk/index-format.js';
import {
  type DiskStoreOptions,
  type ResolvedDiskOptions,
  resolveDiskOptions,
} from './disk/resolve-disk-options.js';
import { toStoreError } from './disk/to-store-error.js';
import type { StoreEntry, StoreEvent, StoreUsage, SyncStore } from './store.js';

export type { DiskStoreOptions } from './disk/resolve-disk-options.js';

/** #accept's answer when a value file vanished under a first read: look again. */
const RETRY: unique symbol = Symbol('retry');

/** How often an idle store sweeps expired entries and orphaned blobs, ms. */
const SWEEP_INTERVAL = 60_000;
/** A blob no entry owns is removed once older than this, ms: long enough for any live write. */
const ORPHAN_GRACE = 10 * 60_000;
/**
 * LRU resolution, ms: a read is recorded only when the entry's last recorded use is older than
 * this. Recording a read rewrites index pages (random writes across a B-tree); at one minute,
 * a hot entry costs one small write a minute, and eviction order is exact to the minute.
 */
const TOUCH_RESOLUTION = 60_000;
/** Values from this size up take the thread pool in getAsync/setAsync, bytes. */
const ASYNC_MIN = 8 * 1024 * 1024;
/** Bytes of a codec envelope's header (see `envelopeLength`). */
const ENVELOPE_HEADER = 20;
const TOUCH_BATCH = 512;
/** Entries per commit in `setMany`. */
const BULK_BATCH = 10_000;

/**
 * The disk tier: a folder of codec bytes shared by every process that opens it, with sync
 * reads and writes (so a memoized sync function stays sync) and async variants for large
 * values. Small values live in an LMDB index, large ones in their own files; the format is drawn in
 * `src/stores/disk/index-format.ts`, its crash-safety argument in `index-db.ts`.
 *
 * Faults never escape as anything but a {@link KeepsakeError}: `ERR_IO` for a failing disk,
 * `ERR_CORRUPT` (thrown once by `get`, after the damaged entry is removed) for an entry whose
 * checksum, length or framing is wrong — the cache counts both as an error and a miss.
 *
 * Extra capability beyond {@link SyncStore}: `getAsync`/`setAsync` do the same as `get`/`set`
 * but move value-file I/O to libuv's threads and hash in 1 MB steps between event-loop turns,
 * so a 500 MB value never blocks the loop for long.
 *
 * @example
 * ```ts
 * import { createCache, diskStore, memoryStore } from 'keepsake';
 * const cache = createCache({ tiers: [memoryStore(), diskStore({ maxBytes: 2 * 1024 ** 3 })] });
 * ```
 */
export class DiskStore implements SyncStore {
  readonly name: string;
  readonly kind = 'bytes' as const;
  readonly sync = true as const;
  /** The folder this store uses. */
  readonly dir: string;
  #options: ResolvedDiskOptions;
  #db: IndexDb | undefined;
  #blobs: BlobFiles;
  #touches = new Map<string, number>();
  #listeners: Array<(event: StoreEvent) => void> = [];
  #timer: NodeJS.Timeout | undefined;
  #nextExpire = 0;
  #closed = false;
  /** Inside `setMany`: work that must wait for the batch's commit. */
  #deferred: Array<() => void> | undefined;

  constructor(options: DiskStoreOptions = {}) {
    this.#options = resolveDiskOptions(options);
    this.name = this.#options.name;
    this.dir = this.#options.dir;
    this.#blobs = new BlobFiles(path.join(this.dir, 'blobs'), this.#options.fs);
    // Opening can fail (read-only or missing permissions): that is the tier failing, not the
    // caller's options, so it is reported on first use and retried then, never thrown here.
    try {
      this.#open();
    } catch {}
    this.#timer = setTimeout(() => this.#sweep(), 1_000);
    this.#timer.unref();
  }

  get(key: string): StoreEntry | undefined {
    const db = this.#use('get', key);
    try {
      const k = dbKey(key);
      for (let attempt = 0; ; attempt++) {
        const raw = db.record(k);
        if (raw === undefined) return undefined;
        const view = decodeRecord(raw);
        if (view === undefined) return this.#corrupt(db, k, raw, key, 'the record does not parse');
        if (view.key !== key) return undefined; // another key under the same long-key hash
        const now = this.#options.now();
        if (isDead(view, now)) return undefined;
        const read: BlobRead = view.blob
          ? this.#blobs.readSync(
              raw.toString('latin1', view.bodyAt),
              view.size,
              view.envelope ? ENVELOPE_HEADER : view.size,
            )
          : {
              status: 'ok',
              bytes: raw.subarray(view.bodyAt),
              hash: hashBytes(raw.subarray(view.bodyAt)),
            };
        const result = this.#accept(db, k, raw, key, view, read, now, attempt);
        if (result !== RETRY) return result;
      }
    } catch (error) {
      throw toStoreError('get', key, error);
    }
  }

  /**
   * {@link get} without blocking the event loop on a large value: the index lookup is sync
   * (microseconds); a value file is read on libuv's threads and hashed between turns.
   */
  async getAsync(key: string): Promise<StoreEntry | undefined> {
    const db = this.#use('get', key);
    try {
      const k = dbKey(key);
      for (let attempt = 0; ; attempt++) {
        const raw = db.record(k);
        if (raw === undefined) return undefined;
        const view = decodeRecord(raw);
        // Below ASYNC_MIN a sync read blocks for well under a millisecond and beats the
        // thread-pool round trips.
        if (view === undefined || !view.blob || view.size < ASYNC_MIN) return this.get(key);
        if (view.key !== key) return undefined;
        const now = this.#options.now();
        if (isDead(view, now)) return undefined;
        const read = await this.#blobs.read(
          raw.toString('latin1', view.bodyAt),
          view.size,
          view.envelope ? ENVELOPE_HEADER : view.size,
        );
        const result = this.#accept(db, k, raw, key, view, read, now, attempt);
        if (result !== RETRY) return result;
      }
    } catch (error) {
      throw toStoreError('get', key, error);
    }
  }

  /** The entry a record and its value make; damage is reported (#corrupt throws); RETRY when
   * the value file vanished under a first read (replaced by another process: look again). */
  #accept(
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
      return this.#corrupt(db, k, raw, key, `its value file is ${read.status}`);
    }
    if (entryChecksum(view, read.hash) !== view.checksum) {
      return this.#corrupt(db, k, raw, key, 'its checksum does not match');
    }
    this.#touch(k, view.usedAt, now);
    return toEntry(view, read.bytes);
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  set(key: string, entry: StoreEntry): void {
    const db = this.#use('set', key);
    const value = checkBytes(this.name, entry);
    const file = value.byteLength > this.#options.inlineMax ? this.#blobs.newName() : null;
    try {
      if (this.#skip(db, key, entry, value)) return;
      const hashLength = file === null ? value.byteLength : envelopeLength(value);
      const valueHash =
        file === null ? hashBytes(value) : this.#blobs.writeSync(file, value, hashLength);
      this.#commit(db, key, entry, value, file, valueHash, hashLength);
    } catch (error) {
      if (file !== null) this.#safely(() => this.#blobs.removeSync(file));
      throw toStoreError('set', key, error);
    }
  }

  /** {@link set} without blocking the event loop on a large value (see {@link getAsync}). */
  async setAsync(key: string, entry: StoreEntry): Promise<void> {
    const db = this.#use('set', key);
    const value = checkBytes(this.name, entry);
    if (value.byteLength <= Math.max(this.#options.inlineMax, ASYNC_MIN)) {
      return this.set(key, entry);
    }
    const file = this.#blobs.newName();
    try {
      if (this.#skip(db, key, entry, value)) return;
      const hashLength = envelopeLength(value);
      const valueHash = await this.#blobs.write(file, value, hashLength);
      if (this.#closed) throw closedError();
      this.#commit(db, key, entry, value, file, valueHash, hashLength);
    } catch (error) {
      this.#safely(() => this.#blobs.removeSync(file));
      throw toStoreError('set', key, error);
    }
  }

  /**
   * Writes many entries with one commit per {@link BULK_BATCH} of them: the same result as a
   * `set` for each (eviction included), for bulk imports and pre-warming. A failure aborts the
   * batch it happens in (earlier batches stay) and is thrown as a KeepsakeError.
   *
   * @example
   * ```ts
   * store.setMany(rows.map((r) => [r.key, { value: serialize(r), createdAt: Date.now() }]));
   * ```
   */
  setMany(entries: Iterable<readonly [string, StoreEntry]>): void {
    const db = this.#use('set');
    let batch: Array<readonly [string, StoreEntry]> = [];
    const flush = () => {
      const after: Array<() => void> = [];
      this.#deferred = after;
      try {
        db.batch(() => {
          for (const [key, entry] of batch) this.set(key, entry);
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

  delete(key: string): boolean {
    const db = this.#use('delete', key);
    try {
      const gone = db.remove(dbKey(key), this.#options.now());
      if (gone === undefined) return false;
      if (gone.key !== key) return false;
      this.#unlink([gone]);
      return gone.live;
    } catch (error) {
      throw toStoreError('delete', key, error);
    }
  }

  clear(prefix?: string): void {
    const db = this.#use('clear');
    try {
      this.#unlink(db.clear(prefix, this.#options.now()));
    } catch (error) {
      throw toStoreError('clear', undefined, error);
    }
  }

  invalidateTags(tags: readonly string[]): string[] {
    const db = this.#use('invalidateTags');
    try {
      const removed = db.invalidate(tags, this.#options.now());
      this.#unlink(removed);
      return removed.filter((r) => r.live).map((r) => r.key);
    } catch (error) {
      throw toStoreError('invalidateTags', undefined, error);
    }
  }

  /**
   * A lease on `key` for `ttl` ms, shared by every process on this folder: a token, or
   * `undefined` while another holder's lease has not expired.
   */
  acquire(key: string, ttl: number): string | undefined {
    const db = this.#use('acquire', key);
    try {
      const token = randomBytes(12).toString('base64url');
      const now = this.#options.now();
      return db.acquire(key, token, now + ttl, now) ? token : undefined;
    } catch (error) {
      throw toStoreError('acquire', key, error);
    }
  }

  release(key: string, token: string): void {
    const db = this.#use('release', key);
    try {
      db.release(key, token);
    } catch (error) {
      throw toStoreError('release', key, error);
    }
  }

  watch(listener: (event: StoreEvent) => void): () => void {
    this.#listeners.push(listener);
    return () => {
      this.#listeners = this.#listeners.filter((l) => l !== listener);
    };
  }

  /** Entries and value bytes in the folder, every process's included. */
  usage(): StoreUsage {
    if (this.#db === undefined || this.#closed) return {};
    try {
      return this.#db.totals();
    } catch {
      return {};
    }
  }

  /**
   * Upkeep now instead of in the background: records pending reads for LRU, removes every
   * expired entry, evicts down to `maxBytes`, and removes blob files no entry owns that are
   * older than `orphanAge` ms (files of writers that crashed mid-write). The `keepsake prune`
   * command and tests call it; a store also does all of this on its own, a batch at a time.
   *
   * @example
   * ```ts
   * const { expired, evicted, orphans } = store.prune();
   * ```
   */
  prune(options: { orphanAge?: number } = {}): {
    expired: number;
    evicted: number;
    orphans: number;
  } {
    const db = this.#use('prune');
    try {
      this.#flushTouches();
      const now = this.#options.now();
      let expired = 0;
      for (let batch = db.expire(now); batch.length > 0; batch = db.expire(now)) {
        expired += batch.length;
        this.#unlink(batch, 'expire');
      }
      const maxBytes = this.#options.maxBytes;
      const limits = { maxBytes, lowWater: maxBytes };
      let evicted = 0;
      for (let batch = db.evict(limits, now); batch.length > 0; batch = db.evict(limits, now)) {
        evicted += batch.length;
        this.#unlink(batch, 'capacity');
      }
      const olderThan = Date.now() - (options.orphanAge ?? ORPHAN_GRACE);
      const orphans = this.#blobs.sweep((name) => db.isReferenced(name), olderThan);
      return { expired, evicted, orphans };
    } catch (error) {
      throw toStoreError('prune', undefined, error);
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#safely(() => this.#flushTouches());
    this.#db?.close();
    this.#db = undefined;
    this.#listeners = [];
  }

  #open(): IndexDb {
    fs.mkdirSync(this.dir, { recursive: true });
    this.#db = new IndexDb(path.join(this.dir, INDEX_FILE));
    return this.#db;
  }

  /** The open index, opening it if an earlier attempt failed; throws a KeepsakeError. */
  #use(op: string, key?: string): IndexDb {
    if (this.#closed) throw closedError();
    if (this.#db !== undefined) return this.#db;
    try {
      return this.#open();
    } catch (error) {
      throw toStoreError(op, key, error);
    }
  }

  /** Handles the writes that store nothing: already dead, or larger than the whole bound. */
  #skip(db: IndexDb, key: string, entry: StoreEntry, value: Uint8Array): boolean {
    const deadline = entry.staleUntil ?? entry.expiresAt;
    const dead = deadline !== undefined && deadline <= this.#options.now();
    if (!dead && value.byteLength <= this.#options.maxBytes) return false;
    // The old value must not outlive a newer write that could not be kept.
    const gone = db.remove(dbKey(key), this.#options.now());
    if (gone !== undefined) this.#unlink([gone]);
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
    const now = this.#options.now();
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
    const maxBytes = this.#options.maxBytes;
    const touches = this.#touches;
    this.#touches = new Map();
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
      touches,
    );
    // Unlink only after the commit: until then the old record (and its file) is what readers see.
    const after = () => {
      if (result.replaced !== null) this.#safely(() => this.#blobs.removeSync(result.replaced!));
      this.#unlink(result.evicted, 'capacity');
    };
    if (this.#deferred !== undefined) {
      this.#deferred.push(after);
      return;
    }
    after();
    if (now >= this.#nextExpire) {
      this.#nextExpire = now + SWEEP_INTERVAL / 6;
      // Upkeep after the commit: were it to throw into set()'s catch, that would delete the
      // value file the commit just published.
      this.#safely(() => this.#unlink(db.expire(now), 'expire'));
    }
  }

  /** A damaged entry: removed (unless rewritten meanwhile), then reported as ERR_CORRUPT. */
  #corrupt(db: IndexDb, k: string, raw: Buffer, key: string, why: string): never {
    const gone = db.remove(k, this.#options.now(), raw);
    if (gone !== undefined) this.#unlink([{ ...gone, live: false }]);
    throw new KeepsakeError('ERR_CORRUPT', `disk entry ${JSON.stringify(key)} is damaged: ${why}`, {
      hint: 'it was removed and counts as a miss; run `keepsake verify` if this repeats',
    });
  }

  #touch(k: string, usedAt: number, now: number): void {
    if (now - usedAt < TOUCH_RESOLUTION || this.#touches.has(k)) return;
    this.#touches.set(k, now);
    if (this.#touches.size >= TOUCH_BATCH) this.#safely(() => this.#flushTouches());
  }

  #flushTouches(): void {
    if (this.#touches.size === 0 || this.#db === undefined) return;
    const touches = this.#touches;
    this.#touches = new Map();
    this.#db.touch(touches);
  }

  /** Unlinks the blobs of removed entries and tells watchers about evictions. */
  #unlink(removed: readonly Removed[], reason?: 'capacity' | 'expire'): void {
    for (const r of removed) {
      if (r.file !== null) this.#safely(() => this.#blobs.removeSync(r.file!));
      if (reason !== undefined && this.#listeners.length > 0) {
        const event: StoreEvent = { type: 'evict', key: r.key, reason };
        for (const listener of this.#listeners) listener(event);
      }
    }
  }

  /** Periodic upkeep off the callers' path: LRU flush, expiry, orphaned blobs. */
  #sweep(): void {
    if (this.#closed) return;
    const db = this.#db;
    if (db !== undefined) {
      this.#safely(() => {
        this.#flushTouches();
        const now = this.#options.now();
        this.#unlink(db.expire(now), 'expire');
        this.#blobs.sweep((name) => db.isReferenced(name), Date.now() - ORPHAN_GRACE);
      });
    }
    this.#timer = setTimeout(() => this.#sweep(), SWEEP_INTERVAL);
    this.#timer.unref();
  }

  /** Best-effort upkeep: a failure here must not fail the operation that triggered it. */
  #safely(fn: () => void): void {
    try {
      fn();
    } catch {}
  }
}

/**
 * Creates the disk tier (see {@link DiskStore}): sync, byte-valued, shared across processes,
 * crash-safe, bounded by `maxBytes` with LRU eviction, with leases for `lock: true`.
 *
 * @throws KeepsakeError `ERR_OPTIONS` for an option that cannot work. I/O problems (a
 * read-only folder, say) are not thrown here: each operation then fails with `ERR_IO`, which a
 * cache counts and works around.
 * @example
 * ```ts
 * import { createCache, diskStore, memoryStore } from 'keepsake';
 * const cache = createCache({ tiers: [memoryStore(), diskStore()], lock: true });
 * await cache.wrap('report', () => buildReport());
 * ```
 */
export function diskStore(options: DiskStoreOptions = {}): DiskStore {
  return new DiskStore(options);
}
