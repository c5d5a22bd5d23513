import { describe, expect, it } from 'vitest';
import { diskStore } from '../../../src/stores/disk-store.js';
import { exited, firstLine, startChild } from './helpers/spawn.js';
import { useTmp, verify } from './helpers/tmp.js';

const tmp = useTmp();

interface ChildResult {
  ops: number;
  hits: number;
  sets: number;
  deletes: number;
  errors: number;
  wrong: number;
  messages: string[];
}

// Four real processes hammer 40 shared keys at once (half gets, 40% sets — one in ten of them
// 70-270 KB, so blob files too — and 10% deletes). Every value names its key and version, so
// each read is checked on the spot.
describe('diskStore shared by several processes', () => {
  it('4 processes x 5,000 mixed get/set/delete: zero errors, zero wrong values', async () => {
    const dir = tmp();
    const children = await Promise.all(
      [1, 2, 3, 4].map((seed) => startChild('mixed-child.ts', [dir, String(seed), '5000'])),
    );
    const results = await Promise.all(
      children.map(async (child) => {
        const line = await firstLine(child);
        await exited(child);
        return JSON.parse(line) as ChildResult;
      }),
    );
    for (const r of results) {
      expect(r.messages).toEqual([]);
      expect(r.errors).toBe(0);
      expect(r.wrong).toBe(0);
      expect(r.ops).toBe(5_000);
    }
    const totalHits = results.reduce((sum, r) => sum + r.hits, 0);
    expect(totalHits).toBeGreaterThan(1_000);

    // Afterwards, from a fifth process's view: every key holds a whole value or nothing, and
    // the folder's totals match what is actually there.
    const store = diskStore({ dir });
    let entries = 0;
    for (let k = 0; k < 40; k++) {
      const got = store.get(`shared-${k}`);
      if (got === undefined) continue;
      entries++;
      expect(verify(got.value as Uint8Array)?.key).toBe(`shared-${k}`);
    }
    expect(store.usage().entries).toBe(entries);
    store.close();
  }, 300_000);
});
