import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { feed, hasher } from '../../hasher.js';
import type { DiskFs } from './disk-fs.js';

/** Bytes per read or write call: large values move in steps that each yield (async) or hash. */
const IO_CHUNK = 4 << 20;

/** What {@link BlobFiles.readSync} found. */
export type BlobRead =
  | { readonly status: 'ok'; readonly bytes: Buffer; readonly hash: bigint }
  /** No such file: deleted by another process after its row was read, or lost. */
  | { readonly status: 'missing' }
  /** The file's length differs from the row's: truncated or overwritten. */
  | { readonly status: 'short'; readonly found: number };

/**
 * The value files of entries too large for the index database: `blobs/<2 hex>/<30 hex>.bin`,
 * holding exactly the value bytes (see the format drawn in `index-format.ts`).
 *
 * Every write goes to a fresh random name and is published only afterwards, by the index row
 * that names it, so a file is never rewritten in place: a reader that holds a row reads either
 * that row's whole file or finds it gone (deleted by a later overwrite, eviction or delete in
 * some process) — never a mix. A writer killed mid-write leaves a file no row names, which
 * {@link BlobFiles.sweep} removes once it is old enough not to be a write still in progress.
 *
 * @example
 * ```ts
 * const blobs = new BlobFiles('/cache/blobs', nodeDiskFs);
 * const name = blobs.newName();
 * const hash = blobs.writeSync(name, bytes);
 * const read = blobs.readSync(name, bytes.byteLength);
 * ```
 */
export class BlobFiles {
  /** The `blobs` folder. */
  readonly root: string;
  #fs: DiskFs;

  constructor(root: string, fs: DiskFs) {
    this.root = root;
    this.#fs = fs;
  }

  /** A fresh name, `ab/cdef…0123.bin`: 128 random bits, so writers never collide. */
  newName(): string {
    const hex = randomBytes(16).toString('hex');
    return `${hex.slice(0, 2)}/${hex.slice(2)}.bin`;
  }

  /** The absolute path of a blob name. */
  pathOf(name: string): string {
    return path.join(this.root, name);
  }

  /**
   * Writes `bytes` as they are (no copy) to a new file `name`, hashing the first `hashLength`
   * bytes chunk by chunk as it goes, so the value is walked once. On failure the partial file
   * is removed and the error thrown.
   */
  writeSync(name: string, bytes: Uint8Array, hashLength = bytes.byteLength): bigint {
    const file = this.pathOf(name);
    const fd = this.#openForWrite(file);
    const state = hasher.create64();
    try {
      let at = 0;
      while (at < bytes.byteLength) {
        const end = Math.min(at + IO_CHUNK, bytes.byteLength);
        const chunk = bytes.subarray(at, end);
        feed(state, bytes, at, Math.min(end, hashLength));
        let done = 0;
        while (done < chunk.byteLength) {
          done += this.#fs.writeSync(fd, chunk, done, chunk.byteLength - done, at + done);
        }
        at = end;
      }
      this.#fs.closeSync(fd);
    } catch (error) {
      this.#abandon(fd, file);
      throw error;
    }
    return state.digest();
  }

  /** {@link writeSync} on libuv's threads, yielding between chunks; the caller awaits it. */
  async write(name: string, bytes: Uint8Array, hashLength = bytes.byteLength): Promise<bigint> {
    const file = this.pathOf(name);
    let handle: Awaited<ReturnType<DiskFs['open']>>;
    try {
      handle = await this.#fs.open(file, 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      this.#fs.mkdirSync(path.dirname(file), { recursive: true });
      handle = await this.#fs.open(file, 'wx');
    }
    const state = hasher.create64();
    try {
      for (let at = 0; at < bytes.byteLength; ) {
        const end = Math.min(at + IO_CHUNK, bytes.byteLength);
        const chunk = bytes.subarray(at, end);
        feed(state, bytes, at, Math.min(end, hashLength));
        let done = 0;
        while (done < chunk.byteLength) {
          const { bytesWritten } = await handle.write(
            chunk,
            done,
            chunk.byteLength - done,
            at + done,
          );
          done += bytesWritten;
        }
        at = end;
      }
      await handle.close();
    } catch (error) {
      await handle.close().catch(() => {});
      await this.#fs.unlink(file).catch(() => {});
      throw error;
    }
    return state.digest();
  }

  /**
   * Reads the file into one buffer of the expected `size` (a single copy of the value in
   * memory), hashing its first `hashLength` bytes chunk by chunk as they arrive.
   */
  readSync(name: string, size: number, hashLength = size): BlobRead {
    let fd: number;
    try {
      fd = this.#fs.openSync(this.pathOf(name), 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { status: 'missing' };
      throw error;
    }
    try {
      const found = this.#fs.fstatSync(fd).size;
      if (found !== size) return { status: 'short', found };
      const bytes = Buffer.allocUnsafeSlow(size);
      const state = hasher.create64();
      let at = 0;
      while (at < size) {
        const n = this.#fs.readSync(fd, bytes, at, Math.min(IO_CHUNK, size - at), at);
        if (n === 0) return { status: 'short', found: at };
        feed(state, bytes, at, Math.min(at + n, hashLength));
        at += n;
      }
      return { status: 'ok', bytes, hash: state.digest() };
    } finally {
      this.#fs.closeSync(fd);
    }
  }

  /** {@link readSync} on libuv's threads, yielding between chunks. */
  async read(name: string, size: number, hashLength = size): Promise<BlobRead> {
    let handle: Awaited<ReturnType<DiskFs['open']>>;
    try {
      handle = await this.#fs.open(this.pathOf(name), 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { status: 'missing' };
      throw error;
    }
    try {
      const found = (await handle.stat()).size;
      if (found !== size) return { status: 'short', found };
      const bytes = Buffer.allocUnsafeSlow(size);
      const state = hasher.create64();
      let at = 0;
      while (at < size) {
        const { bytesRead } = await handle.read(bytes, at, Math.min(IO_CHUNK, size - at), at);
        if (bytesRead === 0) return { status: 'short', found: at };
        feed(state, bytes, at, Math.min(at + bytesRead, hashLength));
        at += bytesRead;
      }
      return { status: 'ok', bytes, hash: state.digest() };
    } finally {
      await handle.close();
    }
  }

  /** Removes a blob; a file already gone is fine (another process removed it first). */
  removeSync(name: string): void {
    try {
      this.#fs.unlinkSync(this.pathOf(name));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }

  /**
   * Removes every blob file that `isReferenced` disowns and that was last modified before
   * `olderThan` (epoch ms): the files of writers that crashed before publishing their row, or
   * between an overwrite's commit and its unlink of the old file. The age guard spares files
   * that a live writer in another process is still writing or about to publish.
   * Returns the number of files removed.
   */
  sweep(isReferenced: (name: string) => boolean, olderThan: number): number {
    let removed = 0;
    let shards: string[];
    try {
      shards = this.#fs.readdirSync(this.root) as string[];
    } catch {
      return 0;
    }
    for (const shard of shards) {
      let files: string[];
      try {
        files = this.#fs.readdirSync(path.join(this.root, shard)) as string[];
      } catch {
        continue;
      }
      for (const file of files) {
        const name = `${shard}/${file}`;
        try {
          if (this.#fs.statSync(this.pathOf(name)).mtimeMs >= olderThan) continue;
          if (isReferenced(name)) continue;
          this.removeSync(name);
          removed++;
        } catch {
          // Raced with another sweeper or writer: leave it for the next sweep.
        }
      }
    }
    return removed;
  }

  #openForWrite(file: string): number {
    try {
      return this.#fs.openSync(file, 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      // First blob in this shard: create the shard folder (and blobs/ itself) once.
      this.#fs.mkdirSync(path.dirname(file), { recursive: true });
      return this.#fs.openSync(file, 'wx');
    }
  }

  #abandon(fd: number, file: string): void {
    try {
      this.#fs.closeSync(fd);
    } catch {}
    try {
      this.#fs.unlinkSync(file);
    } catch {}
  }
}
