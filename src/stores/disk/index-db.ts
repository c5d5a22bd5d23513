/**
 * The LMDB index of a disk store folder: the transactions the disk store runs on it. Its
 * layout, file names and keys are in `index-format.ts`.
 *
 * Crash safety: LMDB is copy-on-write with the meta page written last, so a killed writer
 * leaves the previous commit intact (its robust mutex is recovered by the next writer). A blob
 * is written completely under a fresh name before the transaction that publishes its record
 * commits, and a replaced or removed blob is unlinked only after the commit that unpublished
 * it. A reader therefore sees a whole old entry, a whole new one, or none. Commits are flushed
 * to disk by lmdb-js's overlapping sync (after the write lock is released); after a power loss
 * the index reopens at its last flushed commit, and a blob whose bytes had not reached the disk
 * fails its checksum. Not `noSync`, which gives that up (a power loss could leave a meta page
 * pointing at pages that never reached the disk). Before the gate below, killed writers
 * damaged the index within a few hundred kills with `noSync`; behind it, 6 of 6 runs of the
 * SIGKILL test came through.
 *
 * Opening races commits: LMDB's open copies the transaction id it read into the shared lock file
 * without the write lock, which can roll the id back under a process that is committing (then
 * MDB_BAD_TXN "mdb_page_touch no parent", or a lost commit). Every open and every write
 * therefore holds the gate (index-gate.ts).
 *
 * Several processes: LMDB serialises writers with a process-shared mutex; readers never wait.
 * Local file systems only (LMDB's lock file is shared memory).
 */
import type { RootDatabase } from 'lmdb';
import { decodeRecord, type RecordView } from './entry-record.js';
import { type EvictLimits, evictRows } from './evict-rows.js';
import { dbKey } from './index-format.js';
import type { IndexGate } from './index-gate.js';
import {
  addRow,
  EMPTY,
  parseTags,
  type Removed,
  readTotals,
  removeRow,
  SWEEP_BATCH,
  touchRows,
  writeTotals,
} from './index-rows.js';
import { type IndexTables, openIndex } from './open-index.js';

/**
 * What {@link IndexDb.put} did besides writing.
 *
 * @example
 * ```ts
 * const { replaced, evicted } = db.put(k, record, view, null, now, limits, touches);
 * ```
 */
export interface PutResult {
  /** The blob of the entry it replaced, to unlink after commit. */
  readonly replaced: string | null;
  /** Entries evicted for room. */
  readonly evicted: Removed[];
}

/**
 * The LMDB environment of one store folder and the transactions the disk store runs on it.
 * All synchronous; a read takes a microsecond or two, a write transaction a few hundred
 * (its flush to disk). The row work inside its transactions is in `index-rows.ts` and
 * `evict-rows.ts`; every write transaction is opened here, holding the gate (`#txn`).
 *
 * @example
 * ```ts
 * const db = new IndexDb('/cache/index-v1.mdb');
 * const raw = db.record(dbKey('k'));
 * ```
 */
export class IndexDb {
  #gate: IndexGate;
  #env: RootDatabase;
  #t: IndexTables;
  #lastReset = 0;
  #inBatch = false;

  constructor(file: string) {
    const { gate, env, tables } = openIndex(file);
    this.#env = env;
    this.#t = tables;
    this.#gate = gate;
  }

  /**
   * The record stored under `k` (a copy out of the map), seen from a snapshot at most a
   * millisecond old: lmdb-js keeps one read snapshot per event turn, and a sync loop in one
   * process must still see other processes' commits promptly.
   */
  record(k: string): Buffer | undefined {
    const now = performance.now();
    if (now - this.#lastReset >= 1) {
      this.#env.resetReadTxn();
      this.#lastReset = now;
    }
    return this.#t.entries.getBinary(k);
  }

  /** Forces a fresh snapshot: after a blob vanished under a record read a moment ago. */
  refresh(): void {
    this.#env.resetReadTxn();
    this.#lastReset = performance.now();
  }

  /**
   * Writes `record` under `k` (replacing any entry there), records the use time and indexes,
   * then, when the folder holds more than `maxBytes`, evicts least recently used entries down
   * to `lowWater` — at most {@link SWEEP_BATCH} per call, so no caller pays for more than one
   * batch — and applies `touches` (reads waiting to be recorded), all in one commit.
   */
  put(
    k: string,
    record: Buffer,
    view: RecordView,
    file: string | null,
    now: number,
    limits: EvictLimits,
    touches: ReadonlyMap<string, number>,
  ): PutResult {
    return this.#txn(() => {
      const totals = readTotals(this.#t);
      const old = removeRow(this.#t, k, totals, now);
      addRow(this.#t, k, record, view, file, now, totals);
      touchRows(this.#t, touches);
      const evicted = evictRows(this.#t, totals, limits, now, k);
      writeTotals(this.#t, totals);
      return { replaced: old?.file ?? null, evicted };
    });
  }

  /** One eviction batch without a write (see {@link put}); empty when under `maxBytes`. */
  evict(limits: EvictLimits, now: number): Removed[] {
    return this.#txn(() => {
      const totals = readTotals(this.#t);
      const evicted = evictRows(this.#t, totals, limits, now, undefined);
      if (evicted.length > 0) writeTotals(this.#t, totals);
      return evicted;
    });
  }

  /** Removes the entry under `k`, if it is still `expected` (when given): a corrupt record
   * found by one process must not take with it a good one another process wrote meanwhile. */
  remove(k: string, now: number, expected?: Buffer): Removed | undefined {
    return this.#txn(() => {
      if (expected !== undefined) {
        const current = this.#t.entries.getBinary(k);
        if (current === undefined || !current.equals(expected)) return undefined;
      }
      const totals = readTotals(this.#t);
      const gone = removeRow(this.#t, k, totals, now);
      if (gone !== undefined) writeTotals(this.#t, totals);
      return gone;
    });
  }

  /** Records reads for LRU (`touches`: database key -> read time) in one commit. */
  touch(touches: ReadonlyMap<string, number>): void {
    if (touches.size === 0) return;
    this.#txn(() => touchRows(this.#t, touches));
  }

  /** Runs `fn` in one write transaction; the transactions of calls inside it join it. */
  batch<T>(fn: () => T): T {
    return this.#txn(() => {
      this.#inBatch = true;
      try {
        return fn();
      } finally {
        this.#inBatch = false;
      }
    });
  }

  /**
   * A write transaction, or the batch's one when inside {@link batch}: lmdb-js would nest a
   * child transaction instead (a page copy per level), which made bulk writes ~10x slower.
   */
  #txn<T>(fn: () => T): T {
    if (this.#inBatch) return fn();
    return this.#gate.hold(() => this.#env.transactionSync(fn));
  }

  /** Entry count and value bytes of the whole folder (every process's writes). */
  totals(): { entries: number; bytes: number } {
    this.refresh();
    return readTotals(this.#t);
  }

  /** Removes up to {@link SWEEP_BATCH} entries whose deadline is at or before `now`. */
  expire(now: number): Removed[] {
    return this.#txn(() => {
      const totals = readTotals(this.#t);
      const removed: Removed[] = [];
      const due: Array<[number, string]> = [];
      for (const [deadline, k] of this.#t.deadlines.getKeys({ limit: SWEEP_BATCH })) {
        if (deadline > now) break;
        due.push([deadline, k]);
      }
      for (const [deadline, k] of due) {
        const view = decodeRecord(this.#t.entries.getBinary(k) ?? EMPTY);
        // Only if the index row is the entry's own: a leftover row must not take a live entry.
        if (view !== undefined && (view.staleUntil ?? view.expiresAt) === deadline) {
          const gone = removeRow(this.#t, k, totals, now);
          if (gone !== undefined) removed.push(gone);
        } else {
          this.#t.deadlines.removeSync([deadline, k]);
        }
      }
      writeTotals(this.#t, totals);
      return removed;
    });
  }

  /** Removes every entry whose key starts with `prefix` (all without one). */
  clear(prefix: string | undefined, now: number): Removed[] {
    return this.#txn(() => {
      const totals = readTotals(this.#t);
      const doomed: string[] = [];
      if (prefix === undefined || prefix === '') {
        for (const k of this.#t.entries.getKeys()) doomed.push(k);
      } else {
        for (const k of this.#t.entries.getKeys({ start: prefix })) {
          if (!k.startsWith(prefix)) break;
          doomed.push(k);
        }
        // Long keys live under their hash: check the full key kept in each record.
        for (const k of this.#t.entries.getKeys({ start: '\u0000', end: '\u0001' })) {
          const view = decodeRecord(this.#t.entries.getBinary(k) ?? EMPTY);
          if (view === undefined || view.key.startsWith(prefix)) doomed.push(k);
        }
      }
      const removed: Removed[] = [];
      for (const k of doomed) {
        const gone = removeRow(this.#t, k, totals, now);
        if (gone !== undefined) removed.push(gone);
      }
      writeTotals(this.#t, totals);
      return removed;
    });
  }

  /** Removes every entry carrying one of `tags`. */
  invalidate(tags: readonly string[], now: number): Removed[] {
    return this.#txn(() => {
      const totals = readTotals(this.#t);
      const removed: Removed[] = [];
      for (const tag of tags) {
        const t = dbKey(tag);
        const doomed: string[] = [];
        for (const [indexed, k] of this.#t.tags.getKeys({ start: [t, ''] })) {
          if (indexed !== t) break;
          doomed.push(k);
        }
        for (const k of doomed) {
          const view = decodeRecord(this.#t.entries.getBinary(k) ?? EMPTY);
          // The index row may be stale (a hashed tag's collision, a corrupt record): trust
          // only the record's own tag list.
          const own = view?.tagsJson ? parseTags(view.tagsJson) : [];
          if (!own.includes(tag)) {
            this.#t.tags.removeSync([t, k]);
            continue;
          }
          const gone = removeRow(this.#t, k, totals, now);
          if (gone !== undefined) removed.push(gone);
        }
      }
      writeTotals(this.#t, totals);
      return removed;
    });
  }

  /** Whether some entry owns blob `file`. */
  isReferenced(file: string): boolean {
    this.refresh();
    return this.#t.blobs.get(file) !== undefined;
  }

  /** Takes the lease on `key` when free or expired at `now`: whether it was taken. */
  acquire(key: string, token: string, expiresAt: number, now: number): boolean {
    return this.#txn(() => {
      const held = this.#t.leases.getBinary(key);
      if (held !== undefined && held.length >= 8 && held.readDoubleLE(0) > now) return false;
      const value = Buffer.allocUnsafe(8 + Buffer.byteLength(token));
      value.writeDoubleLE(expiresAt, 0);
      value.write(token, 8);
      this.#t.leases.putSync(key, value);
      return true;
    });
  }

  /** Drops the lease on `key` if `token` still holds it. */
  release(key: string, token: string): void {
    this.#txn(() => {
      const held = this.#t.leases.getBinary(key);
      if (held !== undefined && held.toString('utf8', 8) === token) this.#t.leases.removeSync(key);
    });
  }

  close(): void {
    // lmdb-js closes asynchronously; a closed handle is never used again by the store.
    this.#env.close().catch(() => {});
    this.#gate.close();
  }
}
