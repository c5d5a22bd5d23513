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
import { type Database, open, type RootDatabase } from 'lmdb';
import { decodeRecord, HEADER_SIZE as HEADER, type RecordView, USED_AT } from './entry-record.js';
import { assertLmdbFile, dbKey } from './index-format.js';
import { IndexGate } from './index-gate.js';

/**
 * Rows removed per step by eviction and expiry: bounds the time one call spends on them.
 *
 * @example
 * ```ts
 * for (const k of db.getKeys({ limit: SWEEP_BATCH })) evict(k);
 * ```
 */
export const SWEEP_BATCH = 256;
const EMPTY = Buffer.alloc(0);

/** A removed entry: its key and the blob to unlink once the removal has committed. */
export interface Removed {
  readonly key: string;
  readonly file: string | null;
  /** Its deadline had not passed: callers report only live removals. */
  readonly live: boolean;
}

/** What {@link IndexDb.put} did besides writing. */
export interface PutResult {
  /** The blob of the entry it replaced, to unlink after commit. */
  readonly replaced: string | null;
  /** Entries evicted for room. */
  readonly evicted: Removed[];
}

/**
 * The LMDB environment of one store folder and the transactions the disk store runs on it.
 * All synchronous; a read takes a microsecond or two, a write transaction a few hundred
 * (its flush to disk).
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
  #entries: Database<Buffer, string>;
  #deadlines: Database<Buffer, [number, string]>;
  #tags: Database<Buffer, [string, string]>;
  #blobs: Database<string, string>;
  #leases: Database<Buffer, string>;
  #meta: Database<Buffer, string>;
  #lastReset = 0;
  #inBatch = false;

  constructor(file: string) {
    assertLmdbFile(file);
    const gate = new IndexGate(file);
    try {
      // Opened, and its databases created, in one hold of the gate: see index-gate.ts.
      // Synced commits, not noSync: see "Crash safety" above.
      const { env, dbs } = gate.hold(() => {
        const env = open({ path: file, noSubdir: true, maxDbs: 12, compression: false });
        const binary = { encoding: 'binary' as const, compression: false };
        const dbs = {
          entries: env.openDB<Buffer, string>({ name: 'entries', ...binary }),
          deadlines: env.openDB<Buffer, [number, string]>({ name: 'deadlines', ...binary }),
          tags: env.openDB<Buffer, [string, string]>({ name: 'tags', ...binary }),
          blobs: env.openDB<string, string>({
            name: 'blobs',
            encoding: 'string',
            compression: false,
          }),
          leases: env.openDB<Buffer, string>({ name: 'leases', ...binary }),
          meta: env.openDB<Buffer, string>({ name: 'meta', ...binary }),
        };
        return { env, dbs };
      });
      this.#env = env;
      this.#entries = dbs.entries;
      this.#deadlines = dbs.deadlines;
      this.#tags = dbs.tags;
      this.#blobs = dbs.blobs;
      this.#leases = dbs.leases;
      this.#meta = dbs.meta;
    } catch (error) {
      gate.close();
      throw error;
    }
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
    return this.#entries.getBinary(k);
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
    limits: { maxBytes: number; lowWater: number },
    touches: ReadonlyMap<string, number>,
  ): PutResult {
    return this.#txn(() => {
      const totals = this.#readTotals();
      const old = this.#removeInTxn(k, totals, now);
      record.writeDoubleLE(now, USED_AT);
      this.#entries.putSync(k, record);
      const deadline = view.staleUntil ?? view.expiresAt;
      if (deadline !== null) this.#deadlines.putSync([deadline, k], EMPTY);
      if (view.tagsJson !== null) {
        for (const tag of parseTags(view.tagsJson)) {
          this.#tags.putSync([dbKey(tag), k], EMPTY);
        }
      }
      if (file !== null) this.#blobs.putSync(file, k);
      totals.entries++;
      totals.bytes += view.size;
      this.#touchInTxn(touches);
      const evicted = this.#evictInTxn(totals, limits, now, k);
      this.#writeTotals(totals);
      return { replaced: old?.file ?? null, evicted };
    });
  }

  /** One eviction batch without a write (see {@link put}); empty when under `maxBytes`. */
  evict(limits: { maxBytes: number; lowWater: number }, now: number): Removed[] {
    return this.#txn(() => {
      const totals = this.#readTotals();
      const evicted = this.#evictInTxn(totals, limits, now, undefined);
      if (evicted.length > 0) this.#writeTotals(totals);
      return evicted;
    });
  }

  /** Removes the entry under `k`, if it is still `expected` (when given): a corrupt record
   * found by one process must not take with it a good one another process wrote meanwhile. */
  remove(k: string, now: number, expected?: Buffer): Removed | undefined {
    return this.#txn(() => {
      if (expected !== undefined) {
        const current = this.#entries.getBinary(k);
        if (current === undefined || !current.equals(expected)) return undefined;
      }
      const totals = this.#readTotals();
      const gone = this.#removeInTxn(k, totals, now);
      if (gone !== undefined) this.#writeTotals(totals);
      return gone;
    });
  }

  /** Records reads for LRU (`touches`: database key -> read time) in one commit. */
  touch(touches: ReadonlyMap<string, number>): void {
    if (touches.size === 0) return;
    this.#txn(() => this.#touchInTxn(touches));
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
    return this.#readTotals();
  }

  /** Removes up to {@link SWEEP_BATCH} entries whose deadline is at or before `now`. */
  expire(now: number): Removed[] {
    return this.#txn(() => {
      const totals = this.#readTotals();
      const removed: Removed[] = [];
      const due: Array<[number, string]> = [];
      for (const [deadline, k] of this.#deadlines.getKeys({ limit: SWEEP_BATCH })) {
        if (deadline > now) break;
        due.push([deadline, k]);
      }
      for (const [deadline, k] of due) {
        const view = decodeRecord(this.#entries.getBinary(k) ?? EMPTY);
        // Only if the index row is the entry's own: a leftover row must not take a live entry.
        if (view !== undefined && (view.staleUntil ?? view.expiresAt) === deadline) {
          const gone = this.#removeInTxn(k, totals, now);
          if (gone !== undefined) removed.push(gone);
        } else {
          this.#deadlines.removeSync([deadline, k]);
        }
      }
      this.#writeTotals(totals);
      return removed;
    });
  }

  /** Removes every entry whose key starts with `prefix` (all without one). */
  clear(prefix: string | undefined, now: number): Removed[] {
    return this.#txn(() => {
      const totals = this.#readTotals();
      const doomed: string[] = [];
      if (prefix === undefined || prefix === '') {
        for (const k of this.#entries.getKeys()) doomed.push(k);
      } else {
        for (const k of this.#entries.getKeys({ start: prefix })) {
          if (!k.startsWith(prefix)) break;
          doomed.push(k);
        }
        // Long keys live under their hash: check the full key kept in each record.
        for (const k of this.#entries.getKeys({ start: '\u0000', end: '\u0001' })) {
          const view = decodeRecord(this.#entries.getBinary(k) ?? EMPTY);
          if (view === undefined || view.key.startsWith(prefix)) doomed.push(k);
        }
      }
      const removed: Removed[] = [];
      for (const k of doomed) {
        const gone = this.#removeInTxn(k, totals, now);
        if (gone !== undefined) removed.push(gone);
      }
      this.#writeTotals(totals);
      return removed;
    });
  }

  /** Removes every entry carrying one of `tags`. */
  invalidate(tags: readonly string[], now: number): Removed[] {
    return this.#txn(() => {
      const totals = this.#readTotals();
      const removed: Removed[] = [];
      for (const tag of tags) {
        const t = dbKey(tag);
        const doomed: string[] = [];
        for (const [indexed, k] of this.#tags.getKeys({ start: [t, ''] })) {
          if (indexed !== t) break;
          doomed.push(k);
        }
        for (const k of doomed) {
          const view = decodeRecord(this.#entries.getBinary(k) ?? EMPTY);
          // The index row may be stale (a hashed tag's collision, a corrupt record): trust
          // only the record's own tag list.
          const own = view?.tagsJson ? parseTags(view.tagsJson) : [];
          if (!own.includes(tag)) {
            this.#tags.removeSync([t, k]);
            continue;
          }
          const gone = this.#removeInTxn(k, totals, now);
          if (gone !== undefined) removed.push(gone);
        }
      }
      this.#writeTotals(totals);
      return removed;
    });
  }

  /** Whether some entry owns blob `file`. */
  isReferenced(file: string): boolean {
    this.refresh();
    return this.#blobs.get(file) !== undefined;
  }

  /** Takes the lease on `key` when free or expired at `now`: whether it was taken. */
  acquire(key: string, token: string, expiresAt: number, now: number): boolean {
    return this.#txn(() => {
      const held = this.#leases.getBinary(key);
      if (held !== undefined && held.length >= 8 && held.readDoubleLE(0) > now) return false;
      const value = Buffer.allocUnsafe(8 + Buffer.byteLength(token));
      value.writeDoubleLE(expiresAt, 0);
      value.write(token, 8);
      this.#leases.putSync(key, value);
      return true;
    });
  }

  /** Drops the lease on `key` if `token` still holds it. */
  release(key: string, token: string): void {
    this.#txn(() => {
      const held = this.#leases.getBinary(key);
      if (held !== undefined && held.toString('utf8', 8) === token) this.#leases.removeSync(key);
    });
  }

  close(): void {
    // lmdb-js closes asynchronously; a closed handle is never used again by the store.
    this.#env.close().catch(() => {});
    this.#gate.close();
  }

  /**
   * Approximate LRU, as Redis does it, rather than an ordered index of use times: a use-time
   * index costs a random B-tree update (pages rewritten and written out) on every write and
   * recorded read, which made writes 2x slower at a million entries. Instead, eviction reads a
   * window of {@link SWEEP_BATCH} records from a cursor that walks the key space round-robin
   * (kept in `meta`), and evicts the least recently used of them first.
   */
  #evictInTxn(
    totals: { entries: number; bytes: number },
    limits: { maxBytes: number; lowWater: number },
    now: number,
    keep: string | undefined,
  ): Removed[] {
    const evicted: Removed[] = [];
    if (totals.bytes <= limits.maxBytes) return evicted;
    const cursor = this.#meta.getBinary('cursor')?.toString('utf8') ?? '';
    const sample: Array<{ k: string; usedAt: number }> = [];
    let last = cursor;
    const take = (range: Iterable<{ key: string; value: Buffer }>) => {
      for (const { key, value } of range) {
        if (sample.length >= SWEEP_BATCH) break;
        last = key;
        if (key !== keep) {
          sample.push({ k: key, usedAt: value.length >= HEADER ? value.readDoubleLE(USED_AT) : 0 });
        }
      }
    };
    take(
      this.#entries.getRange({ start: cursor, exclusiveStart: cursor !== '', limit: SWEEP_BATCH }),
    );
    if (sample.length < SWEEP_BATCH && cursor !== '') {
      // Wrapped around: continue from the first key.
      take(this.#entries.getRange({ limit: SWEEP_BATCH - sample.length, end: cursor }));
    }
    this.#meta.putSync('cursor', Buffer.from(last));
    sample.sort((a, b) => a.usedAt - b.usedAt);
    for (const { k } of sample) {
      if (totals.bytes <= limits.lowWater) break;
      const gone = this.#removeInTxn(k, totals, now);
      if (gone !== undefined) evicted.push(gone);
    }
    return evicted;
  }

  #readTotals(): { entries: number; bytes: number } {
    const raw = this.#meta.getBinary('totals');
    if (raw === undefined || raw.length < 16) return { entries: 0, bytes: 0 };
    return { entries: raw.readDoubleLE(0), bytes: raw.readDoubleLE(8) };
  }

  #writeTotals(totals: { entries: number; bytes: number }): void {
    const raw = Buffer.allocUnsafe(16);
    raw.writeDoubleLE(Math.max(0, totals.entries), 0);
    raw.writeDoubleLE(Math.max(0, totals.bytes), 8);
    this.#meta.putSync('totals', raw);
  }

  #touchInTxn(touches: ReadonlyMap<string, number>): void {
    for (const [k, at] of touches) {
      // Only entries still there, and only forward: another process may have read it later.
      const raw = this.#entries.getBinary(k);
      if (raw === undefined || raw.length < HEADER || raw.readDoubleLE(USED_AT) >= at) continue;
      raw.writeDoubleLE(at, USED_AT);
      this.#entries.putSync(k, raw);
    }
  }

  /** Deletes an entry and every index row that points at it, inside a write transaction. */
  #removeInTxn(
    k: string,
    totals: { entries: number; bytes: number },
    now: number,
  ): Removed | undefined {
    const raw = this.#entries.getBinary(k);
    if (raw === undefined) return undefined;
    this.#entries.removeSync(k);
    totals.entries--;
    const view = decodeRecord(raw);
    // A record too damaged to parse: its index rows stay behind and are ignored (every index
    // lookup re-reads the record); its size cannot be known, so the totals keep it.
    if (view === undefined) return { key: k, file: null, live: false };
    totals.bytes -= view.size;
    const deadline = view.staleUntil ?? view.expiresAt;
    if (deadline !== null) this.#deadlines.removeSync([deadline, k]);
    if (view.tagsJson !== null) {
      for (const tag of parseTags(view.tagsJson)) {
        this.#tags.removeSync([dbKey(tag), k]);
      }
    }
    let file: string | null = null;
    if (view.blob) {
      file = raw.toString('latin1', view.bodyAt);
      this.#blobs.removeSync(file);
    }
    return { key: view.key, file, live: deadline === null || deadline > now };
  }
}

/** A record's tag list; `[]` when the JSON is damaged (the record then fails its checksum). */
function parseTags(json: string): string[] {
  try {
    const tags: unknown = JSON.parse(json);
    return Array.isArray(tags) ? tags.filter((t): t is string => typeof t === 'string') : [];
  } catch {
    return [];
  }
}
