/**
 * Size-bound eviction inside the index's write transactions: which entries leave when the
 * folder holds more than `maxBytes`, and the round-robin cursor (in `meta`) that picks them.
 */
import { HEADER_SIZE as HEADER, USED_AT } from './entry-record.js';
import { type Removed, removeRow, SWEEP_BATCH, type Totals } from './index-rows.js';
import type { IndexTables } from './open-index.js';

/**
 * The size bound eviction works to: it starts past `maxBytes` and stops at `lowWater`, bytes.
 *
 * @example
 * ```ts
 * const limits: EvictLimits = { maxBytes, lowWater: Math.floor(maxBytes * 0.9) };
 * ```
 */
export interface EvictLimits {
  maxBytes: number;
  lowWater: number;
}

/**
 * One eviction batch inside a write transaction: nothing while `totals.bytes` is within
 * `maxBytes`, else entries removed until `lowWater`, from at most {@link SWEEP_BATCH} sampled.
 * `keep` (the key just written) is never taken. `totals` is updated, not written.
 *
 * Approximate LRU, as Redis does it, rather than an ordered index of use times: a use-time
 * index costs a random B-tree update (pages rewritten and written out) on every write and
 * recorded read, which made writes 2x slower at a million entries. Instead, eviction reads a
 * window of {@link SWEEP_BATCH} records from a cursor that walks the key space round-robin
 * (kept in `meta`), and evicts the least recently used of them first.
 *
 * @example
 * ```ts
 * const evicted = evictRows(tables, totals, { maxBytes, lowWater: maxBytes }, now, undefined);
 * ```
 */
export function evictRows(
  t: IndexTables,
  totals: Totals,
  limits: EvictLimits,
  now: number,
  keep: string | undefined,
): Removed[] {
  const evicted: Removed[] = [];
  if (totals.bytes <= limits.maxBytes) return evicted;
  const cursor = t.meta.getBinary('cursor')?.toString('utf8') ?? '';
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
  take(t.entries.getRange({ start: cursor, exclusiveStart: cursor !== '', limit: SWEEP_BATCH }));
  if (sample.length < SWEEP_BATCH && cursor !== '') {
    // Wrapped around: continue from the first key.
    take(t.entries.getRange({ limit: SWEEP_BATCH - sample.length, end: cursor }));
  }
  t.meta.putSync('cursor', Buffer.from(last));
  sample.sort((a, b) => a.usedAt - b.usedAt);
  for (const { k } of sample) {
    if (totals.bytes <= limits.lowWater) break;
    const gone = removeRow(t, k, totals, now);
    if (gone !== undefined) evicted.push(gone);
  }
  return evicted;
}
