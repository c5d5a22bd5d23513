import { isKeepsakeError } from '../errors.js';
import { diskStore } from '../stores/disk-store.js';
import { CacheReader, decodeValue } from './cache-reader.js';
import { EXIT } from './cli-error.js';
import { type Command, writeJson } from './command.js';
import { ellipsize, formatBytes, formatCount, plural, table } from './format.js';
import { ProgressBar } from './progress.js';

/** An entry `verify` found wrong, or could not check. */
export interface VerifyFinding {
  key: string;
  reason: string;
}

/** The `--json` output of `keepsake verify`. */
export interface VerifyReport {
  dir: string;
  /** Entries read. */
  checked: number;
  /** Value bytes read and checked. */
  bytes: number;
  ok: number;
  corrupt: VerifyFinding[];
  /** Intact, but needing something this process lacks (a registered function, a newer
   * keepsake): not counted as corrupt. */
  undecodable: VerifyFinding[];
  /** Values stored as raw bytes, not codec values: checksum checked only. */
  raw: number;
  /** Replaced or removed by another process during the walk: skipped. */
  skipped: number;
  /** With `--fix`: corrupt entries removed. */
  removed: number;
}

/** A cap on findings printed as text (all are in `--json`). */
const SHOW = 20;

/**
 * Reads every entry and checks it as a read would: the record, the value file's length, the
 * entry checksum, then the codec envelope (its own checksum covers a large value's payload).
 * Read-only unless `fix`, which then removes the corrupt entries through the store.
 *
 * @example
 * ```ts
 * const report = await verifyCache('/tmp/cache', { fix: false });
 * if (report.corrupt.length > 0) process.exitCode = 2;
 * ```
 */
export async function verifyCache(
  dir: string,
  options: { fix: boolean; progress?: (done: number, total: number, bytes: number) => void },
): Promise<VerifyReport> {
  const report: VerifyReport = {
    dir,
    checked: 0,
    bytes: 0,
    ok: 0,
    corrupt: [],
    undecodable: [],
    raw: 0,
    skipped: 0,
    removed: 0,
  };
  /** Database keys of corrupt rows, and the entry key when the record parsed. */
  const doomed: Array<{ k: string; key: string | undefined }> = [];
  const reader = CacheReader.open(dir);
  try {
    // Keys first, then each row from a fresh snapshot: a walk over one snapshot would take
    // entries that other processes replaced meanwhile (their files gone) for corrupt ones.
    const keys = reader.keys();
    for (const k of keys) {
      options.progress?.(report.checked, keys.length, report.bytes);
      const row = reader.row(k);
      if (row === undefined) {
        report.skipped++;
        continue;
      }
      report.checked++;
      const key = row.view?.key ?? JSON.stringify(k);
      const read = reader.readValue(row);
      if (read.status === 'gone') {
        report.skipped++;
        continue;
      }
      if (read.status === 'corrupt') {
        report.corrupt.push({ key, reason: read.reason });
        doomed.push({ k, key: row.view?.key });
        continue;
      }
      report.bytes += read.bytes.length;
      const decoded = decodeValue(read.bytes);
      if (decoded.status === 'corrupt') {
        report.corrupt.push({ key, reason: decoded.reason });
        doomed.push({ k, key: row.view?.key });
      } else if (decoded.status === 'undecodable') {
        report.undecodable.push({ key, reason: decoded.reason });
      } else {
        if (decoded.status === 'raw') report.raw++;
        report.ok++;
      }
    }
    options.progress?.(keys.length, keys.length, report.bytes);
  } finally {
    // Closed before the store opens the same index read-write: lmdb-js shares one environment
    // per file within a process, and this one is read-only.
    await reader.close();
  }
  if (options.fix && doomed.length > 0) report.removed = removeCorrupt(dir, doomed);
  return report;
}

/** Removes corrupt entries through the store, so index rows, totals and files stay right. */
function removeCorrupt(dir: string, doomed: ReadonlyArray<{ k: string; key: string | undefined }>) {
  // No eviction while fixing: the bound is the program's, unknown here.
  const store = diskStore({ dir, maxBytes: Number.MAX_SAFE_INTEGER });
  let removed = 0;
  try {
    for (const { k, key } of doomed) {
      if (key !== undefined) {
        store.delete(key);
        removed++;
        continue;
      }
      // A record that does not parse has no key to delete by; a read of its row (reachable
      // when the row is not a long key's hash) makes the store remove it as corrupt.
      try {
        store.get(k);
      } catch (error) {
        if (isKeepsakeError(error, 'ERR_CORRUPT')) removed++;
      }
    }
  } finally {
    store.close();
  }
  return removed;
}

/** `keepsake verify`: checks every entry; exit 2 when any is corrupt. */
export const verify: Command = {
  name: 'verify',
  summary: 'Check every entry; exit 2 if any is corrupt (--fix removes them)',
  usage: 'keepsake verify [--fix] [--dir DIR] [--json]',
  help: `Reads every entry and checks it: the index record, the value file's length, the
entry checksum, and the codec envelope (whose checksum covers a large value). Nothing is
changed unless --fix is given. A progress bar shows on a terminal.

Exit codes: 0 all entries intact, 2 corruption found (also with --fix, after removing it),
1 no cache there.

Options:
  --fix   remove the corrupt entries (their files too)

Example:
  keepsake verify || echo "cache damaged"`,
  options: { fix: { type: 'boolean' } },
  args: { min: 0, max: 0 },
  async run({ values, dir, json, io }) {
    const bar = new ProgressBar(io, 'verify', 0);
    const fix = values.fix === true;
    const report = await verifyCache(dir, {
      fix,
      progress: (done, total, bytes) => bar.update(done, formatBytes(bytes), total),
    });
    bar.done();
    if (json) {
      writeJson(io, report);
    } else {
      const summary = [
        `${formatCount(report.ok)} ok`,
        `${formatCount(report.corrupt.length)} corrupt`,
      ];
      if (report.undecodable.length > 0)
        summary.push(`${formatCount(report.undecodable.length)} not decodable here`);
      if (report.skipped > 0)
        summary.push(`${formatCount(report.skipped)} changed during the check`);
      io.out(
        `checked ${plural(report.checked, 'entry', 'entries')} (${formatBytes(report.bytes)}): ${summary.join(', ')}\n`,
      );
      const rows = [
        ...report.corrupt.map((f) => ['corrupt', ellipsize(f.key, 60), f.reason]),
        ...report.undecodable.map((f) => ['undecodable', ellipsize(f.key, 60), f.reason]),
      ];
      if (rows.length > 0) {
        io.out(
          `${table([{ title: 'PROBLEM' }, { title: 'KEY' }, { title: 'DETAIL' }], rows.slice(0, SHOW))}\n`,
        );
        if (rows.length > SHOW)
          io.out(`... and ${formatCount(rows.length - SHOW)} more (--json lists all)\n`);
      }
      if (fix && report.corrupt.length > 0) {
        io.out(`removed ${plural(report.removed, 'corrupt entry', 'corrupt entries')}\n`);
      } else if (report.corrupt.length > 0) {
        io.out(
          'run `keepsake verify --fix` to remove them (a program recomputes them on its next read)\n',
        );
      }
    }
    return report.corrupt.length > 0 ? EXIT.CORRUPT : EXIT.OK;
  },
};
