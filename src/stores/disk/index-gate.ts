/**
 * The gate: a second LMDB environment beside the index, holding no data, whose write lock every
 * keepsake process holds while it opens the index and while it writes to it.
 *
 * Why: opening an LMDB environment is not safe while another process commits. `mdb_env_open`
 * reads the newest meta page, maps the file, and only then copies that meta page's transaction
 * id into the lock file that every process shares (lmdb-js's LMDB, `mdb_env_open2`), without
 * taking the write lock. A commit made in between is rolled back in the shared counter: the next
 * writer starts from an older transaction id than the meta page it builds on, and either
 * overwrites a commit or finds pages newer than itself and fails with MDB_BAD_TXN "mdb_page_touch
 * no parent"; a later commit can then damage the freelist. Under the SIGKILL test (writers
 * started in batches of ten while another process commits, three runs side by side) the index
 * was damaged in 5 of 12 runs before the gate, and in none of 9 since.
 *
 * The gate itself is never written (an empty write transaction commits nothing), so the id that
 * its own openers store is the same every time and the same race cannot harm it. A process
 * killed while it holds the gate releases it like LMDB's own write lock (a robust mutex).
 *
 * Lock order, everywhere: the gate, then the index. Reads take neither.
 */
import fs from 'node:fs';
import { open, type RootDatabase } from 'lmdb';
import { assertLmdbFile } from './index-format.js';

/**
 * The gate's file beside an index file (`index-v1.mdb` -> `index-v1.gate`, and LMDB's
 * `index-v1.gate-lock`).
 *
 * @example
 * ```ts
 * gateFile('/cache/index-v1.mdb'); // '/cache/index-v1.gate'
 * ```
 */
export function gateFile(indexFile: string): string {
  return `${indexFile.replace(/\.mdb$/, '')}.gate`;
}

/**
 * The gate of one index file (see the module comment).
 *
 * @example
 * ```ts
 * const gate = new IndexGate('/cache/index-v1.mdb');
 * const env = gate.hold(() => open({ path: '/cache/index-v1.mdb', noSubdir: true }));
 * gate.hold(() => env.transactionSync(() => db.putSync('k', value)));
 * ```
 */
export class IndexGate {
  readonly #env: RootDatabase;

  /** @throws KeepsakeError `ERR_CORRUPT` when the gate file is not LMDB's (LMDB would crash). */
  constructor(indexFile: string) {
    const file = gateFile(indexFile);
    assertLmdbFile(file);
    this.#env = open({ path: file, noSubdir: true, maxDbs: 1 });
  }

  /** Runs `fn` while this process holds the gate: no other keepsake process opens or writes. */
  hold<T>(fn: () => T): T {
    return this.#env.transactionSync(fn);
  }

  close(): void {
    // lmdb-js closes asynchronously; a closed gate is never used again.
    this.#env.close().catch(() => {});
  }
}

/**
 * Runs `open` behind the gate of `indexFile` when that gate exists, for a read-only opener
 * that must create nothing: without a gate file no keepsake process has written there yet.
 * A gate that cannot be opened (a read-only folder) is skipped too: the opener then takes
 * its chances, as every opener did before the gate.
 *
 * @example
 * ```ts
 * const env = openBehindExistingGate(file, () => open({ path: file, readOnly: true }));
 * ```
 */
export function openBehindExistingGate<T>(indexFile: string, open: () => T): T {
  let gate: IndexGate | undefined;
  try {
    if (fs.existsSync(gateFile(indexFile))) gate = new IndexGate(indexFile);
  } catch {}
  if (gate === undefined) return open();
  try {
    return gate.hold(open);
  } finally {
    gate.close();
  }
}
