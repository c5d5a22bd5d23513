import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { KeepsakeError } from '../errors.js';
import type { DeserializeOptions, SerializeOptions } from './options.js';
import { deserialize, serialize } from './serialize.js';

/**
 * Options of {@link dumpFile} and {@link dumpFileSync}.
 *
 * @example
 * ```ts
 * await dumpFile('model.ks', weights, { compress: 'gzip', fsync: false });
 * ```
 */
export interface DumpFileOptions extends SerializeOptions {
  /** Flush the file to the device before it replaces the old one, so that a power loss too
   * leaves the old file or the new one. A process crash is safe either way. @default true */
  fsync?: boolean;
}

let tempCounter = 0;

/** A temp name in the target's own folder: rename is only atomic within one file system. */
export function tempPathFor(target: string): string {
  const dir = path.dirname(target);
  const base = path.basename(target);
  return path.join(dir, `.${base}.${process.pid}.${(tempCounter++).toString(36)}.tmp`);
}

export function ioError(op: string, file: string, cause: unknown): KeepsakeError {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  const hint =
    code === 'ENOENT'
      ? 'check that the folder exists'
      : code === 'EACCES' || code === 'EPERM' || code === 'EROFS'
        ? 'check the permissions of the file and its folder'
        : code === 'ENOSPC'
          ? 'free some disk space'
          : 'see the cause for the system error';
  return new KeepsakeError('ERR_IO', `${op} ${file} failed${code ? ` (${code})` : ''}`, {
    cause,
    hint,
  });
}

/**
 * Writes a value to a file atomically: the bytes go to a temp file in the same folder, which
 * is then renamed over the target, so a crash leaves the old file or the new one, never a mix.
 * The value is encoded before the disk is touched: an unserializable value changes nothing.
 *
 * @example
 * ```ts
 * await dumpFile('cache/result.ks', { rows, computedAt: new Date() });
 * const back = await loadFile('cache/result.ks');
 * ```
 */
export async function dumpFile(
  file: string,
  value: unknown,
  options?: DumpFileOptions,
): Promise<void> {
  const bytes = serialize(value, options);
  const temp = tempPathFor(file);
  let handle: fsp.FileHandle | undefined;
  try {
    handle = await fsp.open(temp, 'wx');
    await handle.writeFile(bytes);
    if (options?.fsync !== false) await handle.sync();
    await handle.close();
    handle = undefined;
    await fsp.rename(temp, file);
  } catch (cause) {
    await handle?.close().catch(() => {});
    await fsp.rm(temp, { force: true }).catch(() => {});
    throw ioError('writing', file, cause);
  }
}

/**
 * The synchronous twin of {@link dumpFile}: same atomic temp-and-rename.
 *
 * @example
 * ```ts
 * dumpFileSync('settings.ks', new Map([['theme', 'dark']]));
 * ```
 */
export function dumpFileSync(file: string, value: unknown, options?: DumpFileOptions): void {
  const bytes = serialize(value, options);
  const temp = tempPathFor(file);
  let fd: number | undefined;
  try {
    fd = fs.openSync(temp, 'wx');
    let written = 0;
    while (written < bytes.length) {
      written += fs.writeSync(fd, bytes, written, bytes.length - written);
    }
    if (options?.fsync !== false) fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(temp, file);
  } catch (cause) {
    if (fd !== undefined) {
      try {
        fs.closeSync(fd);
      } catch {}
    }
    fs.rmSync(temp, { force: true });
    throw ioError('writing', file, cause);
  }
}

/**
 * Reads a value written by {@link dumpFile} (or {@link dumpFileSync}).
 *
 * @throws KeepsakeError `ERR_IO` when the file cannot be read (`cause.code` says why, e.g.
 * `ENOENT`), `ERR_CORRUPT` / `ERR_FORMAT` when its bytes are damaged or not keepsake's.
 * @example
 * ```ts
 * const report = await loadFile<Report>('report.ks');
 * ```
 */
export async function loadFile<T = unknown>(
  file: string,
  options?: DeserializeOptions,
): Promise<T> {
  let bytes: Buffer;
  try {
    bytes = await fsp.readFile(file);
  } catch (cause) {
    throw ioError('reading', file, cause);
  }
  return deserialize<T>(bytes, options);
}

/**
 * The synchronous twin of {@link loadFile}.
 *
 * @example
 * ```ts
 * const settings = loadFileSync<Map<string, string>>('settings.ks');
 * ```
 */
export function loadFileSync<T = unknown>(file: string, options?: DeserializeOptions): T {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (cause) {
    throw ioError('reading', file, cause);
  }
  return deserialize<T>(bytes, options);
}
