/**
 * The row work inside the index's write transactions: adding and removing an entry together
 * with every index row that points at it, recording reads for LRU, and the folder's running
 * totals. Each function runs inside a transaction that `IndexDb` opens (behind the gate); none
 * opens one itself.
 */
import { decodeRecord, HEADER_SIZE as HEADER, type RecordView, USED_AT } from './entry-record.js';
import { dbKey } from './index-format.js';
import type { IndexTables } from './open-index.js';

/**
 * Rows removed per step by eviction and expiry: bounds the time one call spends on them.
 *
 * @example
 * ```ts
 * for (const k of db.getKeys({ limit: SWEEP_BATCH })) evict(k);
 * ```
 */
export const SWEEP_BATCH = 256;

/**
 * The value of an index row (`deadlines`, `tags`): the key says it all.
 *
 * @example
 * ```ts
 * tables.deadlines.putSync([deadline, k], EMPTY);
 * ```
 */
export const EMPTY = Buffer.alloc(0);

/**
 * A removed entry: its key and the blob to unlink once the removal has committed.
 *
 * @example
 * ```ts
 * const gone: Removed | undefined = db.remove(dbKey('k'), Date.now());
 * if (gone?.file) blobs.removeSync(gone.file); // after the commit, never before
 * ```
 */
export interface Removed {
  readonly key: string;
  readonly file: string | null;
  /** Its deadline had not passed: callers report only live removals. */
  readonly live: boolean;
}

/**
 * Entry count and value bytes of the whole folder, kept in `meta` under `'totals'`.
 *
 * @example
 * ```ts
 * const totals: Totals = readTotals(tables); // { entries: 3, bytes: 4096 }
 * ```
 */
export interface Totals {
  entries: number;
  bytes: number;
}

/**
 * The folder's totals as last committed (zeros in a new folder).
 *
 * @example
 * ```ts
 * const totals = readTotals(tables);
 * ```
 */
export function readTotals(t: IndexTables): Totals {
  const raw = t.meta.getBinary('totals');
  if (raw === undefined || raw.length < 16) return { entries: 0, bytes: 0 };
  return { entries: raw.readDoubleLE(0), bytes: raw.readDoubleLE(8) };
}

/**
 * Stores the totals (never below zero), inside a write transaction.
 *
 * @example
 * ```ts
 * writeTotals(tables, { entries: totals.entries + 1, bytes: totals.bytes + size });
 * ```
 */
export function writeTotals(t: IndexTables, totals: Totals): void {
  const raw = Buffer.allocUnsafe(16);
  raw.writeDoubleLE(Math.max(0, totals.entries), 0);
  raw.writeDoubleLE(Math.max(0, totals.bytes), 8);
  t.meta.putSync('totals', raw);
}

/**
 * Writes `record` under `k` with `now` as its use time, its deadline and tag rows and its blob's
 * owner row, and counts it in `totals`, inside a write transaction. Whatever was under `k`
 * must have been removed first ({@link removeRow}).
 *
 * @example
 * ```ts
 * const old = removeRow(tables, k, totals, now);
 * addRow(tables, k, record, decodeRecord(record)!, null, now, totals);
 * ```
 */
export function addRow(
  t: IndexTables,
  k: string,
  record: Buffer,
  view: RecordView,
  file: string | null,
  now: number,
  totals: Totals,
): void {
  record.writeDoubleLE(now, USED_AT);
  t.entries.putSync(k, record);
  const deadline = view.staleUntil ?? view.expiresAt;
  if (deadline !== null) t.deadlines.putSync([deadline, k], EMPTY);
  if (view.tagsJson !== null) {
    for (const tag of parseTags(view.tagsJson)) {
      t.tags.putSync([dbKey(tag), k], EMPTY);
    }
  }
  if (file !== null) t.blobs.putSync(file, k);
  totals.entries++;
  totals.bytes += view.size;
}

/**
 * Deletes an entry and every index row that points at it, inside a write transaction.
 *
 * @example
 * ```ts
 * const gone = removeRow(tables, dbKey('k'), totals, Date.now());
 * ```
 */
export function removeRow(
  t: IndexTables,
  k: string,
  totals: Totals,
  now: number,
): Removed | undefined {
  const raw = t.entries.getBinary(k);
  if (raw === undefined) return undefined;
  t.entries.removeSync(k);
  totals.entries--;
  const view = decodeRecord(raw);
  // A record too damaged to parse: its index rows stay behind and are ignored (every index
  // lookup re-reads the record); its size cannot be known, so the totals keep it.
  if (view === undefined) return { key: k, file: null, live: false };
  totals.bytes -= view.size;
  const deadline = view.staleUntil ?? view.expiresAt;
  if (deadline !== null) t.deadlines.removeSync([deadline, k]);
  if (view.tagsJson !== null) {
    for (const tag of parseTags(view.tagsJson)) {
      t.tags.removeSync([dbKey(tag), k]);
    }
  }
  let file: string | null = null;
  if (view.blob) {
    file = raw.toString('latin1', view.bodyAt);
    t.blobs.removeSync(file);
  }
  return { key: view.key, file, live: deadline === null || deadline > now };
}

/**
 * Records reads for LRU (`touches`: database key -> read time), inside a write transaction.
 *
 * @example
 * ```ts
 * touchRows(tables, new Map([[dbKey('k'), Date.now()]]));
 * ```
 */
export function touchRows(t: IndexTables, touches: ReadonlyMap<string, number>): void {
  for (const [k, at] of touches) {
    // Only entries still there, and only forward: another process may have read it later.
    const raw = t.entries.getBinary(k);
    if (raw === undefined || raw.length < HEADER || raw.readDoubleLE(USED_AT) >= at) continue;
    raw.writeDoubleLE(at, USED_AT);
    t.entries.putSync(k, raw);
  }
}

/**
 * A record's tag list; `[]` when the JSON is damaged (the record then fails its checksum).
 *
 * @example
 * ```ts
 * parseTags('["users","team:7"]'); // ['users', 'team:7']
 * parseTags('{oops'); // []
 * ```
 */
export function parseTags(json: string): string[] {
  try {
    const tags: unknown = JSON.parse(json);
    return Array.isArray(tags) ? tags.filter((t): t is string => typeof t === 'string') : [];
  } catch {
    return [];
  }
}
