import fs from 'node:fs';
import fsp from 'node:fs/promises';

/**
 * The file operations the disk store performs on value files, injectable through
 * `diskStore({ fs })` so tests can make them fail the way real disks do (ENOSPC, EIO) without
 * filling a disk. The index database does its own I/O inside SQLite and is not covered.
 *
 * @example
 * ```ts
 * const full: DiskFs = {
 *   ...nodeDiskFs,
 *   writeSync: () => {
 *     throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
 *   },
 * };
 * const store = diskStore({ dir, fs: full });
 * ```
 */
export interface DiskFs {
  openSync: typeof fs.openSync;
  closeSync: typeof fs.closeSync;
  readSync: typeof fs.readSync;
  writeSync: typeof fs.writeSync;
  fstatSync: typeof fs.fstatSync;
  statSync: typeof fs.statSync;
  unlinkSync: typeof fs.unlinkSync;
  mkdirSync: typeof fs.mkdirSync;
  readdirSync: typeof fs.readdirSync;
  /** Async opens for `getAsync`/`setAsync`: reads and writes then run on libuv's threads. */
  open: typeof fsp.open;
  unlink: typeof fsp.unlink;
}

/**
 * The real file system, the default {@link DiskFs}.
 *
 * @example
 * ```ts
 * const store = diskStore({ fs: { ...nodeDiskFs, unlinkSync: spy(nodeDiskFs.unlinkSync) } });
 * ```
 */
export const nodeDiskFs: DiskFs = {
  openSync: fs.openSync,
  closeSync: fs.closeSync,
  readSync: fs.readSync,
  writeSync: fs.writeSync,
  fstatSync: fs.fstatSync,
  statSync: fs.statSync,
  unlinkSync: fs.unlinkSync,
  mkdirSync: fs.mkdirSync,
  readdirSync: fs.readdirSync,
  open: fsp.open,
  unlink: fsp.unlink,
};
