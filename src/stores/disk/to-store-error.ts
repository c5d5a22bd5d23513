import { isKeepsakeError, KeepsakeError } from '../../errors.js';

/** LMDB error texts that mean the index file itself is damaged (MDB_PROBLEM: a B-tree page
 * that does not fit its parent, e.g. "mdb_page_touch no parent"). */
const CORRUPT = /MDB_(CORRUPTED|PAGE_NOTFOUND|INVALID|VERSION_MISMATCH|BAD_TXN|PROBLEM)/;

/**
 * Turns anything a disk operation threw into a {@link KeepsakeError}, so a cache never sees a
 * raw system or LMDB error: `ERR_IO` for file-system failures (the errno in the message and
 * `cause`), `ERR_CORRUPT` for a damaged index, a KeepsakeError passed through as it is.
 *
 * @example
 * ```ts
 * try { fs.openSync(file, 'r'); } catch (error) { throw toStoreError('get', key, error); }
 * ```
 */
export function toStoreError(op: string, key: string | undefined, error: unknown): KeepsakeError {
  if (isKeepsakeError(error)) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const text = error instanceof Error ? error.message : String(error);
  const where = key === undefined ? `diskStore ${op}` : `diskStore ${op} ${JSON.stringify(key)}`;
  if (CORRUPT.test(text)) {
    return new KeepsakeError('ERR_CORRUPT', `${where}: the index is damaged (${text})`, {
      cause: error,
      hint: 'delete the cache folder; keepsake recreates it',
    });
  }
  const errno = typeof code === 'string' ? code : /\b(E[A-Z]{3,})\b/.exec(text)?.[1];
  const hint =
    errno === 'EACCES' || errno === 'EPERM' || errno === 'EROFS'
      ? 'check that the cache folder is writable, or pass another `dir`'
      : errno === 'ENOSPC' || /MDB_MAP_FULL/.test(text)
        ? 'free some disk space, or lower `maxBytes`'
        : 'see the cause for the system error';
  return new KeepsakeError('ERR_IO', `${where} failed${errno ? ` (${errno})` : ''}: ${text}`, {
    cause: error,
    hint,
  });
}
