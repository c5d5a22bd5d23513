/**
 * The disk store's on-disk format, version {@link DISK_FORMAT_VERSION}. One folder, shared by
 * every process that opens it:
 *
 * ```text
 * <dir>/                                 e.g. node_modules/.cache/keepsake
 *   index-v1.mdb                         LMDB environment (memory-mapped B+trees, see below)
 *   index-v1.mdb-lock                    LMDB's reader table and writer mutex (shared memory)
 *   index-v1.gate, index-v1.gate-lock    an empty LMDB environment whose write lock is held
 *                                        to open or write the index (index-gate.ts)
 *   blobs/3f/a9c04e5d1b7f2e8c6d0a4b1e9f7c2d.bin
 *                                        the value of an entry larger than `inlineMax`:
 *                                        exactly its bytes, no header; 128 random bits name it
 * ```
 *
 * Named databases inside `index-v1.mdb` (k = the entry key, or `"\0" + sha256` of it when its
 * UTF-8 form is longer than 400 bytes, because LMDB keys are at most ~2 KB):
 *
 * ```text
 * entries    k                 -> record (below), replaced whole (a read may rewrite usedAt)
 * deadlines  [deadline, k]     -> ''   deadline = staleUntil ?? expiresAt; expiry sweeps
 * tags       [tag, k]          -> ''   tag index for invalidateTags
 * blobs      blob name         -> k    which entry owns a blob; orphan sweeps
 * leases     key               -> float64 LE expiresAt, then the token (UTF-8)
 * meta       'totals'          -> float64 LE entries, float64 LE value bytes
 * ```
 *
 * An `entries` record:
 *
 * ```text
 * offset size  field
 * 0      1     record version = 1
 * 1      1     flags: bit 0 = the value is in a blob file
 * 2      2     reserved (0)
 * 4      4     key length K (u32 LE)        8   4  tags length T (u32 LE, JSON array; 0 = none)
 * 12     4     reserved (0)
 * 16     8     createdAt   (float64 LE)     24  8  expiresAt  (float64 LE, NaN = none)
 * 32     8     staleUntil  (float64 LE, NaN = none)
 * 40     8     usedAt: last recorded read or write, epoch ms (LRU; not checksummed)
 * 48     8     size: value byte length      56  8  checksum (53-bit integer as float64, below)
 * 64     K     the full key, UTF-8
 * 64+K   T     the tags, JSON
 * 64+K+T ...   the value bytes (inline), or the blob name, ASCII
 * ```
 *
 * checksum = low 53 bits of xxh64(key, createdAt, expiresAt, staleUntil, tags, size; seeded
 * with xxh64(value bytes)) — see `checksum.ts`. A mismatch, a record that does not parse, a
 * blob of the wrong length or a missing blob is a miss; the entry is removed.
 *
 * Why this shape (measured, see bench/RESULTS.md): on this class of machine a system call costs
 * microseconds, and LMDB reads touch none (a lookup is a walk of mapped pages) while a commit
 * is a few `pwrite`s; a file per entry needs four calls to read and five to write atomically.
 * Megabyte values still read fastest from their own file, whose pages the kernel copies into
 * one buffer: hence inline small values and blob files for large ones (python-diskcache's and
 * Parcel's split).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { KeepsakeError } from '../../errors.js';

/**
 * The one version constant of the disk layout; it names the index file.
 *
 * @example
 * ```ts
 * if (DISK_FORMAT_VERSION > 1) migrate(); // a new layout gets a new file name
 * ```
 */
export const DISK_FORMAT_VERSION = 1;
/**
 * The index file name inside the store's folder.
 *
 * @example
 * ```ts
 * new IndexDb(path.join(dir, INDEX_FILE));
 * ```
 */
export const INDEX_FILE = `index-v${DISK_FORMAT_VERSION}.mdb`;
/** Keys longer than this (UTF-8 bytes) are stored under a hash: LMDB keys are at most ~2 KB. */
const MAX_DIRECT_KEY = 400;

/**
 * The database key of an entry key (see the format above).
 *
 * @example
 * ```ts
 * db.record(dbKey('x'.repeat(5_000))); // looked up under '\u0000' + sha256
 * ```
 */
export function dbKey(key: string): string {
  if (key.length * 3 <= MAX_DIRECT_KEY || Buffer.byteLength(key) <= MAX_DIRECT_KEY) return key;
  return `\u0000${createHash('sha256').update(key).digest('base64url')}`;
}

/** LMDB's meta-page magic, 0xBEEFC0DE, as stored (little-endian). */
const LMDB_MAGIC = Buffer.from([0xde, 0xc0, 0xef, 0xbe]);

/**
 * Refuses an index file that is not an LMDB environment before LMDB maps it: the native
 * library trusts the meta page and crashes the process (SIGSEGV) on foreign bytes, where the
 * user deserves an error. A missing or empty file is left to LMDB, which initialises it.
 *
 * @example
 * ```ts
 * assertLmdbFile('/tmp/cache/index-v1.mdb'); // throws ERR_CORRUPT on a damaged file
 * ```
 */
export function assertLmdbFile(file: string): void {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return;
  }
  const head = Buffer.alloc(64);
  let n: number;
  try {
    n = fs.readSync(fd, head, 0, head.length, 0);
  } finally {
    fs.closeSync(fd);
  }
  if (n === 0 || head.subarray(0, n).includes(LMDB_MAGIC)) return;
  throw new KeepsakeError(
    'ERR_CORRUPT',
    `${file} is not an LMDB index: the cache folder is damaged`,
    {
      hint: `delete the folder (a cache is rebuilt as programs run): rm -rf ${path.dirname(file)}`,
    },
  );
}
