import { diskStore } from '../stores/disk-store.js';
import type { StoreUsage } from '../stores/store.js';
import { stringFlag } from './args.js';
import { requireCache } from './cache-reader.js';
import { CliError, EXIT } from './cli-error.js';
import { type Command, writeJson } from './command.js';
import {
  ellipsize,
  formatBytes,
  formatCount,
  parseBytes,
  parseDuration,
  plural,
} from './format.js';
import { ProgressBar } from './progress.js';

/** The `--json` output of `keepsake prune`. */
export interface PruneReport {
  dir: string;
  /** The bound evicted down to; `null` without `--max-bytes` (nothing evicted for size). */
  maxBytes: number | null;
  before: { entries: number; bytes: number };
  after: { entries: number; bytes: number };
  /** Keys removed because their deadline had passed. */
  expired: string[];
  /** Keys evicted to fit `maxBytes`, least recently used first (approximately: see the
   * store's sampled LRU). */
  evicted: string[];
  /** Value files that no entry owned (left by crashed writers), removed. */
  orphans: number;
}

const SHOW = 20;
/** Without `--max-bytes` nothing is evicted for size: the program's own bound is unknown
 * here, and the 1 GiB default could evict a cache its program allows to grow to 10 GiB.
 * (`Infinity` would do the same but makes the store warn about an unbounded cache.) */
const NO_BOUND = Number.MAX_SAFE_INTEGER;
const REDRAW_MS = 100;

function usage(u: StoreUsage): { entries: number; bytes: number } {
  return { entries: u.entries ?? 0, bytes: u.bytes ?? 0 };
}

/** `keepsake prune`: expired entries, orphaned files, and LRU eviction down to a size. */
export const prune: Command = {
  name: 'prune',
  summary: 'Remove expired entries and orphaned files; evict LRU entries to --max-bytes',
  usage: 'keepsake prune [--max-bytes SIZE] [--orphan-age DURATION] [--dir DIR] [--json]',
  help: `Removes every expired entry and every value file no entry owns (left by a crashed
writer), then, with --max-bytes, evicts the least recently used entries until the
values fit. Prints what it removed. A progress bar shows on a terminal.

Options:
  --max-bytes SIZE        evict down to this size: 500MB (10^6), 1GB (10^9), 1GiB (2^30),
                          1g (2^30) or plain bytes. Without it nothing is evicted for size.
  --orphan-age DURATION   remove orphaned files only when older than this, so a write in
                          progress in another process is spared: 30s, 10m, 2h (default 10m)

Example:
  keepsake prune --max-bytes 1GB`,
  options: { 'max-bytes': { type: 'string' }, 'orphan-age': { type: 'string' } },
  args: { min: 0, max: 0 },
  async run({ values, dir, json, io }) {
    const maxText = stringFlag(values, 'max-bytes');
    const maxBytes = maxText === undefined ? null : parseBytes(maxText, '--max-bytes');
    if (maxBytes !== null && maxBytes < 1) {
      throw new CliError('--max-bytes must be at least 1 byte', {
        hint: 'to remove everything, run `keepsake clear --yes`',
      });
    }
    const ageText = stringFlag(values, 'orphan-age');
    const orphanAge = ageText === undefined ? undefined : parseDuration(ageText, '--orphan-age');
    requireCache(dir);
    const store = diskStore({ dir, maxBytes: maxBytes ?? NO_BOUND });
    const report: PruneReport = {
      dir,
      maxBytes,
      before: usage(store.usage()),
      after: { entries: 0, bytes: 0 },
      expired: [],
      evicted: [],
      orphans: 0,
    };
    const excess = Math.max(0, report.before.bytes - (maxBytes ?? NO_BOUND));
    const bar = new ProgressBar(io, 'prune', excess, 'bytes');
    let drawnAt = 0;
    // The store reports each removal synchronously from inside prune(): the only window into
    // a long eviction, and where the bar advances (by bytes freed, read at most every 100 ms).
    const unwatch = store.watch((event) => {
      if (event.type !== 'evict') return;
      (event.reason === 'expire' ? report.expired : report.evicted).push(event.key);
      const now = performance.now();
      if (!io.progress || excess === 0 || now - drawnAt < REDRAW_MS) return;
      drawnAt = now;
      const freed = report.before.bytes - usage(store.usage()).bytes;
      bar.update(Math.max(0, freed), `${formatCount(report.evicted.length)} evicted`);
    });
    try {
      report.orphans = store.prune(orphanAge === undefined ? {} : { orphanAge }).orphans;
      report.after = usage(store.usage());
    } finally {
      unwatch();
      bar.done();
      store.close();
    }
    if (json) {
      writeJson(io, report);
      return EXIT.OK;
    }
    const parts = [`${formatCount(report.expired.length)} expired`];
    if (maxBytes !== null) {
      parts.push(`${formatCount(report.evicted.length)} evicted to fit ${formatBytes(maxBytes)}`);
    }
    parts.push(plural(report.orphans, 'orphaned file'));
    io.out(`removed ${parts.join(', ')}\n`);
    io.out(
      `size ${formatBytes(report.before.bytes)} -> ${formatBytes(report.after.bytes)}, entries ${formatCount(report.before.entries)} -> ${formatCount(report.after.entries)}\n`,
    );
    const removed = [
      ...report.expired.map((k) => `  expired  ${ellipsize(k, 70)}`),
      ...report.evicted.map((k) => `  evicted  ${ellipsize(k, 70)}`),
    ];
    if (removed.length > 0) io.out(`${removed.slice(0, SHOW).join('\n')}\n`);
    if (removed.length > SHOW)
      io.out(`  ... and ${formatCount(removed.length - SHOW)} more (--json lists all)\n`);
    return EXIT.OK;
  },
};
