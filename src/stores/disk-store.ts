/**
 * The disk tier's public class: {@link DiskStore} and {@link diskStore}. The store wires its
 * parts together (`disk/disk-parts.ts`) and hands each call to the part that does it: reads to
 * `disk/read-entry.ts`, writes to `disk/entry-writer.ts`, upkeep to `disk/upkeep.ts`; removals,
 * leases and usage are one index transaction each and stay here.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { BlobFiles } from './disk/blob-files.js';
import type { DiskParts } from './disk/disk-parts.js';
import { EntryWriter } from './disk/entry-writer.js';
import { dbKey } from './disk/index-format.js';
import { IndexHandle } from './disk/index-handle.js';
import { readEntry, readEntryAsync } from './disk/read-entry.js';
import { Reaper } from './disk/reaper.js';
import { type DiskStoreOptions, resolveDiskOptions } from './disk/resolve-disk-options.js';
import { safely } from './disk/safely.js';
import { toStoreError } from './disk/to-store-error.js';
import { TouchLog } from './disk/touch-log.js';
import { Upkeep } from './disk/upkeep.js';
import type { StoreEntry, StoreEvent, StoreUsage, SyncStore } from './store.js';

export type { DiskStoreOptions } from './disk/resolve-disk-options.js';

/**
 * The disk tier: a folder of codec bytes shared by every process that opens it, with sync
 * reads and writes (so a memoized sync function stays sync) and async variants for large
 * values. Small values live in an LMDB index, large ones in their own files; the format is drawn in
 * `src/stores/disk/index-format.ts`, its crash-safety argument in `index-db.ts`.
 *
 * Faults never escape as anything but a `KeepsakeError`: `ERR_IO` for a failing disk,
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
  #parts: DiskParts;
  #writer: EntryWriter;
  #upkeep: Upkeep;

  constructor(options: DiskStoreOptions = {}) {
    const resolved = resolveDiskOptions(options);
    this.name = resolved.name;
    this.dir = resolved.dir;
    const index = new IndexHandle(this.dir);
    const blobs = new BlobFiles(path.join(this.dir, 'blobs'), resolved.fs);
    this.#parts = {
      options: resolved,
      index,
      blobs,
      touches: new TouchLog(index),
      reaper: new Reaper(blobs),
    };
    this.#upkeep = new Upkeep(this.#parts);
    this.#writer = new EntryWriter(this.#parts, this.#upkeep);
    // Opening can fail (read-only or missing permissions): that is the tier failing, not the
    // caller's options, so it is reported on first use and retried then, never thrown here.
    index.tryOpen();
    this.#upkeep.start();
  }

  get(key: string): StoreEntry | undefined {
    return readEntry(this.#parts, key);
  }

  /**
   * {@link get} without blocking the event loop on a large value: the index lookup is sync
   * (microseconds); a value file is read on libuv's threads and hashed between turns.
   */
  getAsync(key: string): Promise<StoreEntry | undefined> {
    return readEntryAsync(this.#parts, key, this);
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  set(key: string, entry: StoreEntry): void {
    this.#writer.set(key, entry);
  }

  /** {@link set} without blocking the event loop on a large value (see {@link getAsync}). */
  setAsync(key: string, entry: StoreEntry): Promise<void> {
    return this.#writer.setAsync(key, entry, this);
  }

  /**
   * Writes many entries with one commit per 10,000 of them: the same result as a `set` for
   * each (eviction included), for bulk imports and pre-warming. A failure aborts the batch it
   * happens in (earlier batches stay) and is thrown as a KeepsakeError.
   *
   * @example
   * ```ts
   * store.setMany(rows.map((r) => [r.key, { value: serialize(r), createdAt: Date.now() }]));
   * ```
   */
  setMany(entries: Iterable<readonly [string, StoreEntry]>): void {
    this.#writer.setMany(entries, this);
  }

  delete(key: string): boolean {
    const { index, options, reaper } = this.#parts;
    const db = index.use('delete', key);
    try {
      const gone = db.remove(dbKey(key), options.now());
      if (gone === undefined) return false;
      if (gone.key !== key) return false;
      reaper.reap([gone]);
      return gone.live;
    } catch (error) {
      throw toStoreError('delete', key, error);
    }
  }

  clear(prefix?: string): void {
    const { index, options, reaper } = this.#parts;
    const db = index.use('clear');
    try {
      reaper.reap(db.clear(prefix, options.now()));
    } catch (error) {
      throw toStoreError('clear', undefined, error);
    }
  }

  invalidateTags(tags: readonly string[]): string[] {
    const { index, options, reaper } = this.#parts;
    const db = index.use('invalidateTags');
    try {
      const removed = db.invalidate(tags, options.now());
      reaper.reap(removed);
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
    const { index, options } = this.#parts;
    const db = index.use('acquire', key);
    try {
      const token = randomBytes(12).toString('base64url');
      const now = options.now();
      return db.acquire(key, token, now + ttl, now) ? token : undefined;
    } catch (error) {
      throw toStoreError('acquire', key, error);
    }
  }

  release(key: string, token: string): void {
    const db = this.#parts.index.use('release', key);
    try {
      db.release(key, token);
    } catch (error) {
      throw toStoreError('release', key, error);
    }
  }

  watch(listener: (event: StoreEvent) => void): () => void {
    return this.#parts.reaper.watch(listener);
  }

  /** Entries and value bytes in the folder, every process's included. */
  usage(): StoreUsage {
    const { index } = this.#parts;
    const db = index.current;
    if (db === undefined || index.closed) return {};
    try {
      return db.totals();
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
    return this.#upkeep.prune(options);
  }

  close(): void {
    const { index, touches, reaper } = this.#parts;
    if (index.closed) return;
    this.#upkeep.stop();
    safely(() => touches.flush());
    index.close();
    reaper.unwatchAll();
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
