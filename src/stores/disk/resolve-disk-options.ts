import path from 'node:path';
import { type Clock, systemClock } from '../../clock.js';
import { KeepsakeError } from '../../errors.js';
import { defaultCacheDir } from './default-cache-dir.js';
import { type DiskFs, nodeDiskFs } from './disk-fs.js';

/**
 * Options of {@link diskStore}.
 *
 * @example
 * ```ts
 * const disk = diskStore({ dir: '.cache/results', maxBytes: 4 * 1024 ** 3, name: 'results' });
 * const cache = createCache({ tiers: [memoryStore(), disk], ttl: 86_400_000 });
 * ```
 */
export interface DiskStoreOptions {
  /**
   * The folder (created if missing). Several processes may share it.
   * @default `$KEEPSAKE_CACHE_DIR`, else `node_modules/.cache/keepsake` of the nearest
   * project, else the user's cache folder + `/keepsake` (see `defaultCacheDir`)
   */
  dir?: string;
  /**
   * Most value bytes the folder holds, in bytes, across every process sharing it. Past it, the
   * least recently used entries are evicted down to 90% of it, a bounded batch per write (so a
   * write never stalls on a big backlog). A single value larger than this is not stored.
   * `Infinity` never evicts, and warns once (`KEEPSAKE_DISK_UNBOUNDED`).
   *
   * Why 1 GiB: a cache under `node_modules/.cache` or `~/.cache` must never fill a laptop or a
   * CI runner's disk unnoticed (a 14 GB runner keeps working), yet 1 GiB holds several
   * hundred-MB arrays or a million 1 KB results; raise it for bigger working sets.
   * @default 1 GiB (1024 ** 3)
   */
  maxBytes?: number;
  /**
   * Values up to this many bytes are kept inside the index (one read, no file); larger ones
   * in their own file under `blobs/`. Measured crossover on Linux; see bench/RESULTS.md.
   * @default 64 KiB (65536)
   */
  inlineMax?: number;
  /**
   * Name in `stats().tiers` and events.
   * @default 'disk'
   */
  name?: string;
  /**
   * The clock `expiresAt`/`staleUntil`, LRU times and lease expiry are compared with, epoch ms.
   * Give the same clock to the cache in tests.
   * @default Date.now
   */
  now?: Clock;
  /**
   * The file operations used for value files (`blobs/`): inject failures (ENOSPC, EIO) in
   * tests. Missing members fall back to `nodeDiskFs`.
   * @default nodeDiskFs
   */
  fs?: Partial<DiskFs>;
}

/**
 * 1 GiB: see `DiskStoreOptions.maxBytes`.
 *
 * @example
 * ```ts
 * diskStore({ maxBytes: 4 * DEFAULT_MAX_BYTES }); // 4 GiB
 * ```
 */
export const DEFAULT_MAX_BYTES = 1024 ** 3;
/**
 * 64 KiB: see `DiskStoreOptions.inlineMax`.
 *
 * @example
 * ```ts
 * diskStore({ inlineMax: DEFAULT_INLINE_MAX * 2 });
 * ```
 */
export const DEFAULT_INLINE_MAX = 64 * 1024;
/** Largest `inlineMax`: LMDB values are mapped pages; bigger ones belong in files. */
const MAX_INLINE_MAX = 16 * 1024 * 1024;

/** {@link DiskStoreOptions} checked, with every default filled in. */
export interface ResolvedDiskOptions {
  dir: string;
  maxBytes: number;
  inlineMax: number;
  name: string;
  now: Clock;
  fs: DiskFs;
}

let warnedUnbounded = false;

/**
 * Checks options at construction (never at first use) and fills in the defaults.
 *
 * @throws KeepsakeError `ERR_OPTIONS` naming the option and how to fix it.
 * @example
 * ```ts
 * const resolved = resolveDiskOptions({ maxBytes: 2 * 1024 ** 3 });
 * ```
 */
export function resolveDiskOptions(options: DiskStoreOptions): ResolvedDiskOptions {
  if (typeof options !== 'object' || options === null) {
    fail('options must be an object', 'pass e.g. `{ dir: ".cache/keepsake" }` or nothing');
  }
  const { dir, maxBytes, inlineMax, name, now, fs } = options;
  if (dir !== undefined && (typeof dir !== 'string' || dir === '')) {
    fail('`dir` must be a non-empty string', 'omit it for the default folder');
  }
  if (maxBytes !== undefined) {
    const ok =
      maxBytes === Number.POSITIVE_INFINITY || (Number.isSafeInteger(maxBytes) && maxBytes > 0);
    if (!ok) {
      fail(
        `\`maxBytes\` must be a positive integer or Infinity, got ${String(maxBytes)}`,
        'e.g. `maxBytes: 2 * 1024 ** 3` for 2 GiB; omit it for the 1 GiB default',
      );
    }
  }
  if (inlineMax !== undefined) {
    if (!Number.isSafeInteger(inlineMax) || inlineMax < 0 || inlineMax > MAX_INLINE_MAX) {
      fail(
        `\`inlineMax\` must be an integer from 0 to ${MAX_INLINE_MAX}, got ${String(inlineMax)}`,
        'omit it for the 64 KiB default',
      );
    }
  }
  if (name !== undefined && (typeof name !== 'string' || name === '')) {
    fail('`name` must be a non-empty string', "e.g. 'disk'");
  }
  if (now !== undefined && typeof now !== 'function') {
    fail('`now` must be a function', 'pass a clock returning epoch ms, e.g. `() => Date.now()`');
  }
  if (fs !== undefined && (typeof fs !== 'object' || fs === null)) {
    fail('`fs` must be an object of fs functions', 'spread `nodeDiskFs` and override some');
  }
  if (maxBytes === Number.POSITIVE_INFINITY && !warnedUnbounded) {
    warnedUnbounded = true;
    process.emitWarning(
      'keepsake diskStore({ maxBytes: Infinity }) never evicts: it can fill the disk. Give it a byte bound, e.g. maxBytes: 10 * 1024 ** 3.',
      { code: 'KEEPSAKE_DISK_UNBOUNDED' },
    );
  }
  return {
    dir: path.resolve(dir ?? defaultCacheDir()),
    maxBytes: maxBytes ?? DEFAULT_MAX_BYTES,
    inlineMax: inlineMax ?? DEFAULT_INLINE_MAX,
    name: name ?? 'disk',
    now: now ?? systemClock,
    fs: fs === undefined ? nodeDiskFs : { ...nodeDiskFs, ...fs },
  };
}

function fail(message: string, hint: string): never {
  throw new KeepsakeError('ERR_OPTIONS', `diskStore: ${message}`, { hint });
}
