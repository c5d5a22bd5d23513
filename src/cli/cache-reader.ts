import fs from 'node:fs';
import path from 'node:path';
import { type Database, open, type RootDatabase } from 'lmdb';
import { MAGIC } from '../codec/format.js';
import { deserialize } from '../codec/index.js';
import { isKeepsakeError, KeepsakeError } from '../errors.js';
import { xxh64 } from '../hasher.js';
import { BlobFiles } from '../stores/disk/blob-files.js';
import { entryChecksum } from '../stores/disk/checksum.js';
import { nodeDiskFs } from '../stores/disk/disk-fs.js';
import { decodeRecord, type RecordView } from '../stores/disk/entry-record.js';
import { assertLmdbFile, dbKey, INDEX_FILE } from '../stores/disk/index-format.js';
import { openBehindExistingGate } from '../stores/disk/index-gate.js';
import { CliError, EXIT } from './cli-error.js';

/** Bytes of a codec envelope's header: the entry checksum of a blob flagged `envelope` covers
 * only these (the envelope's own checksum covers the rest), as in the disk store. */
const ENVELOPE_HEADER = 20;

/** One `entries` row as the CLI sees it: the database key, the raw record and its view. */
export interface RawEntry {
  /** The LMDB key: the entry key, or `"\0" + sha256` of a long one (see `index-format.ts`). */
  readonly k: string;
  readonly raw: Buffer;
  /** `undefined` when the record does not parse (a damaged row). */
  readonly view: RecordView | undefined;
}

/** What reading an entry's value found. */
export type ValueRead =
  | { readonly status: 'ok'; readonly bytes: Buffer }
  /** Rewritten or removed by another process while we looked: neither good nor bad. */
  | { readonly status: 'gone' }
  | { readonly status: 'corrupt'; readonly reason: string };

/** What decoding a value's codec envelope found. */
export type ValueDecode =
  | { readonly status: 'ok'; readonly value: unknown }
  /** Bytes a program stored through `diskStore` directly, not a codec envelope. */
  | { readonly status: 'raw' }
  | { readonly status: 'corrupt'; readonly reason: string }
  /** Intact, but it needs something this process lacks (a registered function, a migration). */
  | { readonly status: 'undecodable'; readonly reason: string };

/**
 * Read-only access to a disk store's folder for the CLI: walks the `entries` database, which
 * `DiskStore` has no public way to list, and checks values the way the store's `get` does —
 * without its side effects (recording reads for LRU, removing damaged entries), so `ls`,
 * `inspect` and `verify` leave the cache exactly as they found it. The record layout and
 * checksum come from the store's own modules; only the LMDB open options are repeated here.
 *
 * @example
 * ```ts
 * const reader = CacheReader.open('/project/node_modules/.cache/keepsake');
 * for (const { view } of reader.entries()) console.log(view?.key, view?.size);
 * await reader.close();
 * ```
 */
export class CacheReader {
  readonly dir: string;
  readonly blobs: BlobFiles;
  #env: RootDatabase;
  #entries: Database<Buffer, string>;
  #lastReset = 0;

  private constructor(dir: string, env: RootDatabase) {
    this.dir = dir;
    this.#env = env;
    this.#entries = env.openDB({ name: 'entries', encoding: 'binary', compression: false });
    this.blobs = new BlobFiles(path.join(dir, 'blobs'), nodeDiskFs);
  }

  /**
   * Opens the folder's index read-only (nothing is created).
   *
   * @throws CliError (exit 1) when the folder holds no keepsake disk cache.
   */
  static open(dir: string): CacheReader {
    const file = requireCache(dir);
    // readOnly: a look at the cache must never create or change anything in it.
    // Behind the index gate, like every opener: see stores/disk/index-gate.ts.
    const env = openBehindExistingGate(file, () =>
      open({ path: file, noSubdir: true, maxDbs: 12, readOnly: true, compression: false }),
    );
    return new CacheReader(dir, env);
  }

  /** Rows in the `entries` database (O(1), from LMDB's page statistics). */
  count(): number {
    return (this.#entries.getStats() as { entryCount?: number }).entryCount ?? 0;
  }

  /** Every row, from one snapshot (a consistent listing even while other processes write). */
  *entries(): Generator<RawEntry> {
    this.#env.resetReadTxn();
    for (const { key, value } of this.#entries.getRange({})) {
      yield { k: key, raw: value, view: decodeRecord(value) };
    }
  }

  /** Every database key, from one snapshot: the work list of `verify`. */
  keys(): string[] {
    this.#env.resetReadTxn();
    return [...this.#entries.getKeys({})];
  }

  /**
   * The row under database key `k`, from a snapshot at most a millisecond old (`fresh`: a new
   * one): a long walk must see other processes' commits, but a snapshot per row costs more
   * than the read (the same trade as `IndexDb.record`).
   */
  row(k: string, fresh = false): RawEntry | undefined {
    const now = performance.now();
    if (fresh || now - this.#lastReset >= 1) {
      this.#env.resetReadTxn();
      this.#lastReset = now;
    }
    const raw = this.#entries.getBinary(k);
    return raw === undefined ? undefined : { k, raw, view: decodeRecord(raw) };
  }

  /** The row of entry `key`, or `undefined` (a long key's hash slot may hold another key). */
  find(key: string): RawEntry | undefined {
    const row = this.row(dbKey(key), true);
    if (row === undefined || (row.view !== undefined && row.view.key !== key)) return undefined;
    return row;
  }

  /**
   * Reads the value of `row` and checks its length and entry checksum, as the store's `get`
   * does. A value file missing is only corruption if the row is still the same afterwards:
   * another process may have replaced or evicted the entry since our snapshot.
   */
  readValue(row: RawEntry): ValueRead {
    const view = row.view;
    if (view === undefined) return { status: 'corrupt', reason: 'the index record does not parse' };
    let bytes: Buffer;
    let hash: bigint;
    if (view.blob) {
      const name = row.raw.toString('latin1', view.bodyAt);
      const read = this.blobs.readSync(
        name,
        view.size,
        view.envelope ? ENVELOPE_HEADER : view.size,
      );
      if (read.status !== 'ok') {
        const now = this.row(row.k, true);
        if (now === undefined || !now.raw.equals(row.raw)) return { status: 'gone' };
        return {
          status: 'corrupt',
          reason:
            read.status === 'missing'
              ? `its value file blobs/${name} is missing`
              : `its value file blobs/${name} has ${read.found} bytes, not ${view.size}`,
        };
      }
      bytes = read.bytes;
      hash = read.hash;
    } else {
      bytes = row.raw.subarray(view.bodyAt);
      hash = xxh64(bytes);
    }
    if (entryChecksum(view, hash) !== view.checksum) {
      return { status: 'corrupt', reason: 'its checksum does not match' };
    }
    return { status: 'ok', bytes };
  }

  /** Lists the files under `blobs/` with their sizes (for orphan counts). */
  blobFiles(): Map<string, number> {
    const out = new Map<string, number>();
    let shards: string[];
    try {
      shards = fs.readdirSync(this.blobs.root);
    } catch {
      return out;
    }
    for (const shard of shards) {
      let files: string[];
      try {
        files = fs.readdirSync(path.join(this.blobs.root, shard));
      } catch {
        continue;
      }
      for (const file of files) {
        try {
          out.set(`${shard}/${file}`, fs.statSync(path.join(this.blobs.root, shard, file)).size);
        } catch {}
      }
    }
    return out;
  }

  /** Size of the index file, bytes (LMDB's map grows in steps, so this exceeds the data). */
  indexBytes(): number {
    return fs.statSync(path.join(this.dir, INDEX_FILE)).size;
  }

  async close(): Promise<void> {
    await this.#env.close();
  }
}

/**
 * The index file of the cache in `dir`, or a CliError (exit 1) saying there is none.
 *
 * @example
 * ```ts
 * requireCache('/tmp/empty'); // throws: no keepsake disk cache in /tmp/empty
 * ```
 */
export function requireCache(dir: string): string {
  const file = path.join(dir, INDEX_FILE);
  if (!fs.existsSync(file)) {
    throw new CliError(`no keepsake disk cache in ${dir}`, {
      hint: fs.existsSync(dir)
        ? `the folder has no ${INDEX_FILE}; pass --dir with the folder your diskStore uses`
        : 'pass --dir with the folder your diskStore uses (or set KEEPSAKE_CACHE_DIR)',
    });
  }
  checkLmdbMagic(file);
  return file;
}

/** {@link assertLmdbFile}, reported the CLI's way (exit 2). */
function checkLmdbMagic(file: string): void {
  try {
    assertLmdbFile(file);
  } catch (err) {
    if (!(err instanceof KeepsakeError)) throw err;
    throw new CliError(err.message.replace(/\. Hint: .*$/, ''), {
      hint: err.hint ?? 'delete the cache folder',
      exitCode: EXIT.CORRUPT,
    });
  }
}

/**
 * Decodes a value's codec envelope, which also checks the envelope's own checksum: for a large
 * value that is the only check of its payload (the entry checksum then covers its header).
 * Instances of classes this process never registered decode as plain objects.
 *
 * @example
 * ```ts
 * const decoded = decodeValue(bytes);
 * if (decoded.status === 'corrupt') console.log(decoded.reason);
 * ```
 */
export function decodeValue(bytes: Uint8Array): ValueDecode {
  if (bytes.length < MAGIC.length || MAGIC.some((b, i) => bytes[i] !== b)) return { status: 'raw' };
  try {
    return { status: 'ok', value: deserialize(bytes, { unknownClass: 'plain' }) };
  } catch (error) {
    const reason = error instanceof Error ? error.message.replace(/\. Hint: .*$/s, '') : 'failed';
    // ERR_FORMAT here is a newer format, not damage: the entry checksum already covered the
    // header (the bytes that say which format), so a flip there shows up as a bad checksum.
    if (isKeepsakeError(error, 'ERR_CORRUPT')) return { status: 'corrupt', reason };
    return { status: 'undecodable', reason };
  }
}

/**
 * An entry's tags; `[]` when it has none or the stored JSON is damaged.
 *
 * @example
 * ```ts
 * tagsOf(view); // ['users', 'user:42']
 * ```
 */
export function tagsOf(view: RecordView): string[] {
  if (view.tagsJson === null) return [];
  try {
    const tags: unknown = JSON.parse(view.tagsJson);
    return Array.isArray(tags) ? tags.map(String) : [];
  } catch {
    return [];
  }
}
