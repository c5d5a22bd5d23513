import { isDead } from '../stores/disk/entry-view.js';
import { DEFAULT_MAX_BYTES } from '../stores/disk/resolve-disk-options.js';
import { CacheReader } from './cache-reader.js';
import { EXIT } from './cli-error.js';
import { type Command, writeJson } from './command.js';
import { formatBytes, formatCount, formatWhen, plural } from './format.js';

/** The `--json` output of `keepsake stats`. Sizes in bytes, times in epoch ms. */
export interface StatsReport {
  dir: string;
  entries: number;
  /** Value bytes of every entry (what `maxBytes` bounds). */
  bytes: number;
  /** The bound is an option of the program's `diskStore`, not recorded in the folder. */
  maxBytes: null;
  /** `diskStore`'s default bound, which applies unless the program set `maxBytes`. */
  defaultMaxBytes: number;
  inline: { entries: number; bytes: number };
  files: { entries: number; bytes: number };
  /** Past their deadline (`staleUntil ?? expiresAt`): removed by the next sweep or prune. */
  expired: number;
  /** Rows whose record does not parse (run `keepsake verify`). */
  damaged: number;
  oldestCreatedAt: number | null;
  newestCreatedAt: number | null;
  lastUsedAt: number | null;
  disk: { indexBytes: number; blobFiles: number; blobBytes: number; orphanFiles: number };
}

/**
 * Gathers {@link StatsReport} in one pass over the index (no values read).
 *
 * @example
 * ```ts
 * const report = await collectStats('/tmp/cache');
 * ```
 */
export async function collectStats(dir: string, now = Date.now()): Promise<StatsReport> {
  const reader = CacheReader.open(dir);
  try {
    const report: StatsReport = {
      dir,
      entries: 0,
      bytes: 0,
      maxBytes: null,
      defaultMaxBytes: DEFAULT_MAX_BYTES,
      inline: { entries: 0, bytes: 0 },
      files: { entries: 0, bytes: 0 },
      expired: 0,
      damaged: 0,
      oldestCreatedAt: null,
      newestCreatedAt: null,
      lastUsedAt: null,
      disk: { indexBytes: reader.indexBytes(), blobFiles: 0, blobBytes: 0, orphanFiles: 0 },
    };
    const owned = new Set<string>();
    for (const { raw, view } of reader.entries()) {
      report.entries++;
      if (view === undefined) {
        report.damaged++;
        continue;
      }
      report.bytes += view.size;
      const part = view.blob ? report.files : report.inline;
      part.entries++;
      part.bytes += view.size;
      if (view.blob) owned.add(raw.toString('latin1', view.bodyAt));
      if (isDead(view, now)) report.expired++;
      report.oldestCreatedAt = Math.min(report.oldestCreatedAt ?? Infinity, view.createdAt);
      report.newestCreatedAt = Math.max(report.newestCreatedAt ?? -Infinity, view.createdAt);
      if (view.usedAt > 0) report.lastUsedAt = Math.max(report.lastUsedAt ?? 0, view.usedAt);
    }
    for (const [name, size] of reader.blobFiles()) {
      report.disk.blobFiles++;
      report.disk.blobBytes += size;
      if (!owned.has(name)) report.disk.orphanFiles++;
    }
    return report;
  } finally {
    await reader.close();
  }
}

/** `keepsake stats`: what the cache folder holds. */
export const stats: Command = {
  name: 'stats',
  summary: 'Entries, sizes and ages of the disk cache',
  usage: 'keepsake stats [--dir DIR] [--json]',
  help: `Counts the entries of a disk cache and their value bytes, and shows the oldest and
newest entry, how many have expired, and the files on disk. Reads the index only.

The size limit (maxBytes) is an option of the program's diskStore and is not recorded
in the folder; the default is ${formatBytes(DEFAULT_MAX_BYTES)}.

Example:
  keepsake stats --dir node_modules/.cache/keepsake`,
  options: {},
  args: { min: 0, max: 0 },
  async run({ dir, json, io }) {
    const now = Date.now();
    const r = await collectStats(dir, now);
    if (json) {
      writeJson(io, r);
      return EXIT.OK;
    }
    const when = (at: number | null) => (at === null ? '-' : formatWhen(at, now));
    const lines: Array<[string, string]> = [
      ['cache', r.dir],
      [
        'entries',
        `${formatCount(r.entries)} (${formatCount(r.inline.entries)} in the index, ${formatCount(r.files.entries)} in value files)`,
      ],
      [
        'size',
        `${formatBytes(r.bytes)} of values${r.bytes >= 1024 ? ` (${plural(r.bytes, 'byte')})` : ''}`,
      ],
      ['limit', `set by the program's diskStore (default ${formatBytes(r.defaultMaxBytes)})`],
      ['expired', `${formatCount(r.expired)}${r.expired > 0 ? ' (run `keepsake prune`)' : ''}`],
      ['oldest', when(r.oldestCreatedAt)],
      ['newest', when(r.newestCreatedAt)],
      ['last used', when(r.lastUsedAt)],
      [
        'on disk',
        `index ${formatBytes(r.disk.indexBytes)}, ${plural(r.disk.blobFiles, 'value file')} ${formatBytes(r.disk.blobBytes)}`,
      ],
    ];
    if (r.disk.orphanFiles > 0) {
      lines.push(['orphans', `${plural(r.disk.orphanFiles, 'value file')} no entry owns`]);
    }
    if (r.damaged > 0) {
      lines.push(['damaged', `${plural(r.damaged, 'record')} (run \`keepsake verify\`)`]);
    }
    const width = Math.max(...lines.map(([k]) => k.length));
    io.out(`${lines.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n')}\n`);
    return EXIT.OK;
  },
};
