/**
 * Opening the LMDB index of a disk store folder: the environment and its named databases
 * (drawn in `index-format.ts`), created in one hold of the gate (`index-gate.ts`), because an
 * open that races another process's commit can roll back LMDB's shared transaction id.
 */
import { type Database, open, type RootDatabase } from 'lmdb';
import { assertLmdbFile } from './index-format.js';
import { IndexGate } from './index-gate.js';

/**
 * The named databases inside the index file (see the format in `index-format.ts`).
 *
 * @example
 * ```ts
 * const raw = tables.entries.getBinary(dbKey('k'));
 * ```
 */
export interface IndexTables {
  readonly entries: Database<Buffer, string>;
  readonly deadlines: Database<Buffer, [number, string]>;
  readonly tags: Database<Buffer, [string, string]>;
  readonly blobs: Database<string, string>;
  readonly leases: Database<Buffer, string>;
  readonly meta: Database<Buffer, string>;
}

/**
 * An open index: its gate, which every write holds, the environment and its databases.
 *
 * @example
 * ```ts
 * const { gate, env, tables } = openIndex('/cache/index-v1.mdb');
 * ```
 */
export interface OpenIndex {
  readonly gate: IndexGate;
  readonly env: RootDatabase;
  readonly tables: IndexTables;
}

/**
 * Opens (creating when missing) the index file and its databases behind its gate. On failure
 * the environment and the gate are closed again and the error thrown. Hand the result to
 * `IndexDb`: every write goes through its transactions, which hold the gate.
 *
 * @throws KeepsakeError `ERR_CORRUPT` when the index or gate file is not LMDB's; LMDB errors
 * as they are (the store turns them into `ERR_IO` or `ERR_CORRUPT`).
 * @example
 * ```ts
 * const { gate, env, tables } = openIndex(path.join(dir, INDEX_FILE));
 * const totals = tables.meta.getBinary('totals'); // reads need no gate
 * ```
 */
export function openIndex(file: string): OpenIndex {
  assertLmdbFile(file);
  const gate = new IndexGate(file);
  try {
    // Opened, and its databases created, in one hold of the gate: see index-gate.ts.
    // Synced commits, not noSync: see "Crash safety" in index-db.ts.
    const { env, tables } = gate.hold(() => {
      const env = open({ path: file, noSubdir: true, maxDbs: 12, compression: false });
      try {
        return { env, tables: openTables(env) };
      } catch (error) {
        // A database that would not open: no environment left open for the next attempt.
        env.close().catch(() => {});
        throw error;
      }
    });
    return { gate, env, tables };
  } catch (error) {
    gate.close();
    throw error;
  }
}

/** The six databases of the index, created when missing. */
function openTables(env: RootDatabase): IndexTables {
  const binary = { encoding: 'binary' as const, compression: false };
  const tables: IndexTables = {
    entries: env.openDB<Buffer, string>({ name: 'entries', ...binary }),
    deadlines: env.openDB<Buffer, [number, string]>({ name: 'deadlines', ...binary }),
    tags: env.openDB<Buffer, [string, string]>({ name: 'tags', ...binary }),
    blobs: env.openDB<string, string>({
      name: 'blobs',
      encoding: 'string',
      compression: false,
    }),
    leases: env.openDB<Buffer, string>({ name: 'leases', ...binary }),
    meta: env.openDB<Buffer, string>({ name: 'meta', ...binary }),
  };
  return tables;
}
