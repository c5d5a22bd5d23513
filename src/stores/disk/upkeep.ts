/**
 * The disk store's upkeep: recording pending reads, removing expired entries, evicting down to
 * `maxBytes` and removing orphaned blob files — in the background a batch at a time, after
 * writes now and then, or all at once in {@link Upkeep.prune}.
 */
import type { DiskParts } from './disk-parts.js';
import type { IndexDb } from './index-db.js';
import { safely } from './safely.js';
import { toStoreError } from './to-store-error.js';

/** How often an idle store sweeps expired entries and orphaned blobs, ms. */
const SWEEP_INTERVAL = 60_000;
/** A blob no entry owns is removed once older than this, ms: long enough for any live write. */
const ORPHAN_GRACE = 10 * 60_000;

/**
 * What {@link Upkeep.prune} removed: expired entries, entries evicted for room, orphaned blobs.
 *
 * @example
 * ```ts
 * const { expired, evicted, orphans }: PruneResult = upkeep.prune();
 * ```
 */
export interface PruneResult {
  expired: number;
  evicted: number;
  orphans: number;
}

/**
 * Upkeep of one disk store: a background sweep (first after a second, then every minute, never
 * keeping the process alive), an expiry batch after a write at most every ten seconds, and
 * {@link Upkeep.prune} for all of it at once.
 *
 * @example
 * ```ts
 * const upkeep = new Upkeep(parts);
 * upkeep.start();
 * upkeep.afterWrite(db, Date.now()); // after a commit
 * upkeep.stop();
 * ```
 */
export class Upkeep {
  readonly #parts: DiskParts;
  #timer: NodeJS.Timeout | undefined;
  #nextExpire = 0;

  constructor(parts: DiskParts) {
    this.#parts = parts;
  }

  /** Schedules the first background sweep. */
  start(): void {
    this.#timer = setTimeout(() => this.#sweep(), 1_000);
    this.#timer.unref();
  }

  /** Cancels the next background sweep (the store closes). */
  stop(): void {
    clearTimeout(this.#timer);
  }

  /** Removes a batch of expired entries after a write's commit, at most every 10 s. */
  afterWrite(db: IndexDb, now: number): void {
    if (now >= this.#nextExpire) {
      this.#nextExpire = now + SWEEP_INTERVAL / 6;
      // Upkeep after the commit: were it to throw into set()'s catch, that would delete the
      // value file the commit just published.
      safely(() => this.#parts.reaper.reap(db.expire(now), 'expire'));
    }
  }

  /**
   * Records pending reads, removes every expired entry, evicts down to `maxBytes`, and
   * removes blob files no entry owns that are older than `orphanAge` ms.
   *
   * @throws KeepsakeError `ERR_IO`, `ERR_CORRUPT` or `ERR_CLOSED`.
   */
  prune(options: { orphanAge?: number } = {}): PruneResult {
    const { index, touches, reaper, blobs } = this.#parts;
    const db = index.use('prune');
    try {
      touches.flush();
      const now = this.#parts.options.now();
      let expired = 0;
      for (let batch = db.expire(now); batch.length > 0; batch = db.expire(now)) {
        expired += batch.length;
        reaper.reap(batch, 'expire');
      }
      const maxBytes = this.#parts.options.maxBytes;
      const limits = { maxBytes, lowWater: maxBytes };
      let evicted = 0;
      for (let batch = db.evict(limits, now); batch.length > 0; batch = db.evict(limits, now)) {
        evicted += batch.length;
        reaper.reap(batch, 'capacity');
      }
      const olderThan = Date.now() - (options.orphanAge ?? ORPHAN_GRACE);
      const orphans = blobs.sweep((name) => db.isReferenced(name), olderThan);
      return { expired, evicted, orphans };
    } catch (error) {
      throw toStoreError('prune', undefined, error);
    }
  }

  /** Periodic upkeep off the callers' path: LRU flush, expiry, orphaned blobs. */
  #sweep(): void {
    const { index, touches, reaper, blobs } = this.#parts;
    if (index.closed) return;
    const db = index.current;
    if (db !== undefined) {
      safely(() => {
        touches.flush();
        const now = this.#parts.options.now();
        reaper.reap(db.expire(now), 'expire');
        blobs.sweep((name) => db.isReferenced(name), Date.now() - ORPHAN_GRACE);
      });
    }
    this.#timer = setTimeout(() => this.#sweep(), SWEEP_INTERVAL);
    this.#timer.unref();
  }
}
