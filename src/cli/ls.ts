import { isDead } from '../stores/disk/entry-view.js';
import { parseCount, stringFlag } from './args.js';
import { CacheReader, tagsOf } from './cache-reader.js';
import { CliError, EXIT } from './cli-error.js';
import { type Command, writeJson } from './command.js';
import { ellipsize, formatAgo, formatBytes, formatCount, table } from './format.js';

/** One entry of `keepsake ls --json`. Sizes in bytes, times in epoch ms. */
export interface ListedEntry {
  key: string;
  size: number;
  createdAt: number;
  /** Last recorded read or write (recorded to the minute, see the disk store's LRU). */
  usedAt: number;
  expiresAt: number | null;
  staleUntil: number | null;
  expired: boolean;
  tags: string[];
  /** Where the value lives: in the index, or in its own file under `blobs/`. */
  storage: 'inline' | 'file';
}

const SORTS = {
  // Largest, most recently used, newest first: what someone looking at a cache asks about.
  size: (a: ListedEntry, b: ListedEntry) => b.size - a.size,
  used: (a: ListedEntry, b: ListedEntry) => b.usedAt - a.usedAt,
  created: (a: ListedEntry, b: ListedEntry) => b.createdAt - a.createdAt,
} as const;

const DEFAULT_LIMIT = 50;
const KEY_WIDTH = 60;

/** The EXPIRES cell: relative time, or `stale` while inside `staleWhileRevalidate`. */
function expiry(e: ListedEntry, now: number): string {
  if (e.expired) return 'expired';
  if (e.expiresAt === null) return '-';
  return e.expiresAt <= now ? 'stale' : formatAgo(e.expiresAt, now);
}

/** `keepsake ls`: the entries, sorted, as a table. */
export const ls: Command = {
  name: 'ls',
  summary: 'List entries: key, size, created, last used, expires, tags',
  usage: 'keepsake ls [--limit N] [--sort size|used|created] [--dir DIR] [--json]',
  help: `Lists the entries of a disk cache, ${DEFAULT_LIMIT} by default.

Options:
  --limit N      how many entries to show; 0 for all (default ${DEFAULT_LIMIT})
  --sort ORDER   size (largest first), used (most recently used first, the default)
                 or created (newest first)

Example:
  keepsake ls --sort size --limit 10`,
  options: { limit: { type: 'string', short: 'n' }, sort: { type: 'string' } },
  args: { min: 0, max: 0 },
  async run({ values, dir, json, io }) {
    const sortName = stringFlag(values, 'sort') ?? 'used';
    if (!Object.hasOwn(SORTS, sortName)) {
      throw new CliError(`ls: --sort must be size, used or created, got "${sortName}"`, {
        hint: 'e.g. keepsake ls --sort size',
      });
    }
    const limitText = stringFlag(values, 'limit');
    const limit = limitText === undefined ? DEFAULT_LIMIT : parseCount(limitText, '--limit');
    const now = Date.now();
    const reader = CacheReader.open(dir);
    const all: ListedEntry[] = [];
    let damaged = 0;
    try {
      for (const { view } of reader.entries()) {
        if (view === undefined) {
          damaged++;
          continue;
        }
        all.push({
          key: view.key,
          size: view.size,
          createdAt: view.createdAt,
          usedAt: view.usedAt,
          expiresAt: view.expiresAt,
          staleUntil: view.staleUntil,
          expired: isDead(view, now),
          tags: tagsOf(view),
          storage: view.blob ? 'file' : 'inline',
        });
      }
    } finally {
      await reader.close();
    }
    all.sort(SORTS[sortName as keyof typeof SORTS]);
    const shown = limit === 0 ? all : all.slice(0, limit);
    if (json) {
      writeJson(io, { dir, total: all.length, damaged, entries: shown });
      return EXIT.OK;
    }
    if (all.length === 0) {
      io.out(`no entries in ${dir}\n`);
      return EXIT.OK;
    }
    const rows = shown.map((e) => [
      ellipsize(e.key, KEY_WIDTH),
      formatBytes(e.size),
      formatAgo(e.createdAt, now),
      e.usedAt > 0 ? formatAgo(e.usedAt, now) : '-',
      expiry(e, now),
      e.tags.join(','),
    ]);
    const columns = [
      { title: 'KEY' },
      { title: 'SIZE', right: true },
      { title: 'CREATED' },
      { title: 'USED' },
      { title: 'EXPIRES' },
      { title: 'TAGS' },
    ];
    io.out(`${table(columns, rows)}\n`);
    if (shown.length < all.length) {
      io.out(
        `(${formatCount(shown.length)} of ${formatCount(all.length)} entries; --limit 0 for all)\n`,
      );
    }
    if (damaged > 0)
      io.err(`${formatCount(damaged)} damaged records not listed: run \`keepsake verify\`\n`);
    return EXIT.OK;
  },
};
