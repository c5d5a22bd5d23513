import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRecords } from '../../src/codec/index.js';
import { kill, startHelper, waitForLine } from './helpers/child.js';
import { drain, expectRecord } from './helpers/records.js';
import { useTempDir } from './helpers/tmp.js';

const tmp = useTempDir();

describe('SIGKILL of a writer in the middle of appending', () => {
  it.each([1, 7])(
    'flush every %i record(s): readRecords yields a complete prefix; truncate repairs; appending resumes (8 kills)',
    async (flushEvery) => {
      const p = join(tmp.dir, 'r.log');
      let next = 0;
      for (let round = 0; round < 8; round++) {
        const child = startHelper('append-loop.ts', [p, String(next), String(flushEvery)]);
        await waitForLine(child, 'ready');
        await new Promise((r) => setTimeout(r, 30 + Math.random() * 200));
        await kill(child);

        // default 'ignore': a complete, correct prefix
        const { values, error } = await drain(readRecords(p));
        expect(error).toBeUndefined();
        expect(values.length).toBeGreaterThanOrEqual(next);
        values.forEach((v, k) => {
          expectRecord(v, k);
        });

        // repair the tail so the next writer appends after the last complete record
        const repaired = await drain(readRecords(p, { onTornTail: 'truncate' }));
        expect(repaired.error).toBeUndefined();
        expect(repaired.values.length).toBe(values.length);
        const strict = await drain(readRecords(p, { onTornTail: 'error' }));
        expect(strict.error).toBeUndefined();
        next = values.length;
      }
      expect(next).toBeGreaterThan(0);
    },
    120_000,
  );
});
