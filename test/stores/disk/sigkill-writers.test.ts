import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { isKeepsakeError } from '../../../src/errors.js';
import { type DiskStore, diskStore } from '../../../src/stores/disk-store.js';
import { exited, firstLine, startChild } from './helpers/spawn.js';
import { useTmp, verify } from './helpers/tmp.js';

const tmp = useTmp();
const KILLS = 200;
const PARALLEL = 10;

// Real processes on one folder, killed with SIGKILL 5-50 ms after they start writing (small
// values into the index, ~70 KB-1 MB values into blob files, deletes, tag index updates).
// A batch is killed only once all its writers are running: a process that dies holding LMDB's
// write lock while another is still opening the folder can leave that one asleep on the lock
// for good (reproduced with lmdb alone on this machine; the README lists it as a known issue).
//
// Known defect (README, "Known issues"): under this load the LMDB index itself is sometimes
// damaged (about 1 run in 4 with three runs side by side here): the survivor's next write then
// fails with ERR_CORRUPT "the index is damaged (MDB_BAD_TXN ... mdb_page_touch no parent)" or
// "... freelist entry ... bad/duplicate". The damage is logged, and what must hold even then is
// checked: it is reported as ERR_CORRUPT with the delete-the-folder hint (never a crash), and
// no read ever returns a torn or wrong value.
const INDEX_DAMAGED = 'the index is damaged';
describe('diskStore under SIGKILL', () => {
  it(`${KILLS} writers killed at random moments leave only whole entries`, async () => {
    const dir = tmp();
    // One writer lives through every batch, on keys of its own: the others die around it while
    // it commits (with LMDB's noSync this damaged the index, and a store.set here then threw).
    const survivor = await startChild('writer-child.ts', [dir, '999', 'survivor']);
    let survivorErr = '';
    survivor.stderr!.on('data', (d: Buffer) => {
      survivorErr += d.toString();
    });
    onTestFinished(() => {
      survivor.kill('SIGKILL');
    });
    await firstLine(survivor);
    let kills = 0;
    let hits = 0;
    let damaged = '';
    while (kills < KILLS) {
      // A batch of writers on the same folder, each killed 5-50 ms after it starts writing.
      const batch = await Promise.all(
        Array.from({ length: Math.min(PARALLEL, KILLS - kills) }, (_, i) =>
          startChild('writer-child.ts', [dir, String(kills + i + 1)]),
        ),
      );
      await Promise.all(batch.map((child) => firstLine(child)));
      await Promise.all(
        batch.map(async (child) => {
          await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 45));
          child.kill('SIGKILL');
          await exited(child);
        }),
      );
      kills += batch.length;
      // Verify after every batch, in this process: each key holds a whole value or nothing.
      const store = diskStore({ dir, maxBytes: 64 * 1024 * 1024 });
      try {
        const seen = readEvery(store, ['key'], `after ${kills} kills`);
        hits += seen.entries;
        damaged ||= seen.damage;
      } finally {
        store.close();
      }
    }
    expect(kills).toBe(KILLS);
    expect(hits).toBeGreaterThan(0);
    if (survivorErr !== '') {
      // The survivor stops only on the known defect, reported as it should be.
      expect(survivorErr).toContain(INDEX_DAMAGED);
      expect(survivorErr).toContain("code: 'ERR_CORRUPT'");
      expect(survivorErr).toContain('delete the cache folder');
      damaged ||= survivorErr.split('\n').find((line) => line.includes(INDEX_DAMAGED)) ?? '';
    } else {
      expect(survivor.exitCode).toBeNull();
    }
    survivor.kill('SIGKILL');
    await exited(survivor);
    if (damaged !== '') {
      console.warn(`KNOWN ISSUE: the LMDB index was damaged during this run: ${damaged}`);
      // A damaged index cannot be pruned or totalled; every key still reads whole or reports
      // the damage, never a wrong value.
      const store = diskStore({ dir, maxBytes: 64 * 1024 * 1024 });
      readEvery(store, ['key', 'survivor'], 'at the end');
      store.close();
      return;
    }

    // The killed writers' half-written value files are orphans; prune removes every one.
    const store = diskStore({ dir, maxBytes: 64 * 1024 * 1024 });
    store.prune({ orphanAge: 0 });
    const blobs = listBlobs(path.join(dir, 'blobs'));
    const referenced = blobs.filter((name) => {
      try {
        return store.get(name) === undefined;
      } catch (error) {
        return isKeepsakeError(error);
      }
    });
    expect(referenced.length).toBe(blobs.length);
    // Every entry left is readable, and the totals agree with what is there.
    const { entries, damage } = readEvery(store, ['key', 'survivor'], 'at the end');
    expect(damage).toBe('');
    expect(store.usage().entries).toBe(entries);
    expect(listBlobs(path.join(dir, 'blobs')).length).toBeLessThanOrEqual(entries);
    store.close();
  }, 300_000);
});

/**
 * Reads every key the writers use (`<prefix>-0` to `-11`): each must hold a whole value of its
 * own key, or nothing. Reported index damage (the known defect above) is no wrong value: it is
 * returned, not thrown. Anything else, a torn entry's ERR_CORRUPT first of all, fails.
 */
function readEvery(
  store: DiskStore,
  prefixes: readonly string[],
  when: string,
): { entries: number; damage: string } {
  let entries = 0;
  let damage = '';
  for (const prefix of prefixes) {
    for (let k = 0; k < 12; k++) {
      const key = `${prefix}-${k}`;
      let got: ReturnType<DiskStore['get']>;
      try {
        got = store.get(key);
      } catch (error) {
        if (isKeepsakeError(error, 'ERR_CORRUPT') && error.message.includes(INDEX_DAMAGED)) {
          damage ||= `read of ${key}: ${error.message}`;
          continue;
        }
        throw new Error(`read of ${key} ${when}: ${String(error)}`);
      }
      if (got === undefined) continue;
      entries++;
      expect(verify(got.value as Uint8Array)?.key).toBe(key);
    }
  }
  return { entries, damage };
}

function listBlobs(root: string): string[] {
  if (!fs.existsSync(root)) return [];
  return fs.readdirSync(root).flatMap((shard) => fs.readdirSync(path.join(root, shard)));
}
