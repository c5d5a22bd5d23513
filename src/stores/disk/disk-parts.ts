/**
 * The parts of one disk store that its read path, write path and upkeep share, wired once by
 * `DiskStore`'s constructor.
 */
import type { BlobFiles } from './blob-files.js';
import type { IndexHandle } from './index-handle.js';
import type { Reaper } from './reaper.js';
import type { ResolvedDiskOptions } from './resolve-disk-options.js';
import type { TouchLog } from './touch-log.js';

/**
 * Values from this size up take the thread pool in `getAsync`/`setAsync`, bytes. Below it a
 * sync read or write blocks for well under a millisecond and beats the thread-pool round trips.
 *
 * @example
 * ```ts
 * if (view.size < ASYNC_MIN) return readEntry(parts, key);
 * ```
 */
export const ASYNC_MIN = 8 * 1024 * 1024;

/**
 * One disk store's state: its options, its index, its blob files, its pending LRU reads and
 * what follows a removal.
 *
 * @example
 * ```ts
 * const index = new IndexHandle(options.dir);
 * const blobs = new BlobFiles(path.join(options.dir, 'blobs'), options.fs);
 * const parts: DiskParts = {
 *   options,
 *   index,
 *   blobs,
 *   touches: new TouchLog(index),
 *   reaper: new Reaper(blobs),
 * };
 * const entry = readEntry(parts, 'k');
 * ```
 */
export interface DiskParts {
  readonly options: ResolvedDiskOptions;
  readonly index: IndexHandle;
  readonly blobs: BlobFiles;
  readonly touches: TouchLog;
  readonly reaper: Reaper;
}
