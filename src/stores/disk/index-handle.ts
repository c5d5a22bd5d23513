/**
 * The disk store's handle on its LMDB index: opened lazily, opened again on the next use after
 * an open that failed, and closed once for good.
 */
import fs from 'node:fs';
import path from 'node:path';
import { closedError } from './entry-view.js';
import { IndexDb } from './index-db.js';
import { INDEX_FILE } from './index-format.js';
import { toStoreError } from './to-store-error.js';

/**
 * The index of one store folder, or the error of using it: {@link IndexHandle.use} opens it
 * when an earlier attempt failed (a read-only or missing folder is the tier failing, reported
 * on use, never at construction), and throws `ERR_CLOSED` after {@link IndexHandle.close}.
 *
 * @example
 * ```ts
 * const index = new IndexHandle('/cache');
 * index.tryOpen();
 * const raw = index.use('get', 'k').record(dbKey('k'));
 * ```
 */
export class IndexHandle {
  /** The store's folder, holding the index file. */
  readonly dir: string;
  #db: IndexDb | undefined;
  #closed = false;

  constructor(dir: string) {
    this.dir = dir;
  }

  /** The open index, without opening it: `undefined` before a successful open and after close. */
  get current(): IndexDb | undefined {
    return this.#db;
  }

  /** Whether {@link close} was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Opens the index now if it can; a failure is left for the first {@link use} to report. */
  tryOpen(): void {
    try {
      this.#open();
    } catch {}
  }

  /** The open index, opening it if an earlier attempt failed; throws a KeepsakeError. */
  use(op: string, key?: string): IndexDb {
    if (this.#closed) throw closedError();
    if (this.#db !== undefined) return this.#db;
    try {
      return this.#open();
    } catch (error) {
      throw toStoreError(op, key, error);
    }
  }

  /** Closes the index; every later {@link use} throws `ERR_CLOSED`. */
  close(): void {
    this.#closed = true;
    this.#db?.close();
    this.#db = undefined;
  }

  #open(): IndexDb {
    fs.mkdirSync(this.dir, { recursive: true });
    this.#db = new IndexDb(path.join(this.dir, INDEX_FILE));
    return this.#db;
  }
}
