import diagnostics from 'node:diagnostics_channel';
import { stat, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openRecordWriter, readRecords } from '../../src/codec/index.js';
import { KeepsakeError } from '../../src/errors.js';
import { expectThrowsCode } from './helpers/errors.js';
import { drain } from './helpers/records.js';
import { useTempDir } from './helpers/tmp.js';

const tmp = useTempDir();
const N = 50;

/** Writes N complete records, then one more; returns the sizes before and after the last. */
async function writeFile(p: string): Promise<{ complete: number; full: number }> {
  const w = await openRecordWriter(p);
  for (let i = 0; i < N; i++) await w.write({ i, pad: 'p'.repeat(i * 10) });
  await w.close();
  const complete = (await stat(p)).size;
  const a = await openRecordWriter(p, { append: true });
  await a.write({ i: N, pad: 'last'.repeat(200) });
  await a.close();
  return { complete, full: (await stat(p)).size };
}

function indices(values: unknown[]): number[] {
  return values.map((v) => (v as { i: number }).i);
}
const prefix = Array.from({ length: N }, (_, i) => i);

describe('a torn last record', () => {
  let p: string;
  let sizes: { complete: number; full: number };
  const published: unknown[] = [];
  const onError = (msg: unknown): void => {
    published.push(msg);
  };
  beforeEach(async () => {
    p = join(tmp.dir, 'r.log');
    sizes = await writeFile(p);
    published.length = 0;
    diagnostics.subscribe('keepsake:error', onError);
  });
  afterEach(() => {
    diagnostics.unsubscribe('keepsake:error', onError);
  });

  it('the intact file yields all N + 1 records', async () => {
    const { values, error } = await drain(readRecords(p, { onTornTail: 'error' }));
    expect(error).toBeUndefined();
    expect(indices(values)).toEqual([...prefix, N]);
  });

  it.each([1, 3, 10, 21, 100])(
    "default 'ignore': cut %i bytes off -> every complete record, no error, reported on keepsake:error",
    async (cut) => {
      await truncate(p, sizes.full - cut);
      const { values, error } = await drain(readRecords(p));
      expect(error).toBeUndefined();
      expect(indices(values)).toEqual(prefix);
      expect(published.length).toBeGreaterThan(0);
      // the file is left alone in 'ignore' mode
      expect((await stat(p)).size).toBe(sizes.full - cut);
    },
  );

  it.each([1, 3, 10, 21, 100])(
    "'error': cut %i bytes -> the complete records first, then ERR_CORRUPT",
    async (cut) => {
      await truncate(p, sizes.full - cut);
      const { values, error } = await drain(readRecords(p, { onTornTail: 'error' }));
      expect(indices(values)).toEqual(prefix);
      expect(error).toBeInstanceOf(KeepsakeError);
      expect((error as KeepsakeError).code).toBe('ERR_CORRUPT');
    },
  );

  it.each([1, 3, 10, 21, 100])(
    "'truncate': cut %i bytes -> the file is cut back to the last complete record and appends work",
    async (cut) => {
      await truncate(p, sizes.full - cut);
      const { values, error } = await drain(readRecords(p, { onTornTail: 'truncate' }));
      expect(error).toBeUndefined();
      expect(indices(values)).toEqual(prefix);
      expect((await stat(p)).size).toBe(sizes.complete);
      const w = await openRecordWriter(p, { append: true });
      await w.write({ i: 1000 });
      await w.close();
      const again = await drain(readRecords(p, { onTornTail: 'error' }));
      expect(again.error).toBeUndefined();
      expect(indices(again.values)).toEqual([...prefix, 1000]);
    },
  );

  it('a torn first (only) record: nothing is yielded; truncate leaves an empty, appendable file', async () => {
    const q = join(tmp.dir, 'one.log');
    const w = await openRecordWriter(q);
    await w.write('x'.repeat(100));
    await w.close();
    const full = (await stat(q)).size;
    await truncate(q, full - 5);
    expect((await drain(readRecords(q))).values).toEqual([]);
    const e = await drain(readRecords(q, { onTornTail: 'error' }));
    expect((e.error as KeepsakeError).code).toBe('ERR_CORRUPT');
    await drain(readRecords(q, { onTornTail: 'truncate' }));
    const w2 = await openRecordWriter(q, { append: true });
    await w2.write('y');
    await w2.close();
    expect((await drain(readRecords(q, { onTornTail: 'error' }))).values).toEqual(['y']);
  });

  it('every possible cut inside the last record is handled the same way', async () => {
    for (let size = sizes.full - 1; size > sizes.complete; size -= 7) {
      await truncate(p, size);
      const { values, error } = await drain(readRecords(p, { onTornTail: 'error' }));
      expect(indices(values)).toEqual(prefix);
      expect((error as KeepsakeError)?.code).toBe('ERR_CORRUPT');
    }
  });

  it('an unknown onTornTail value is ERR_OPTIONS at the call, not at the first next()', () => {
    expectThrowsCode(() => readRecords(p, { onTornTail: 'explode' as 'error' }), 'ERR_OPTIONS');
  });

  it('an unknown onTornTail value is ERR_OPTIONS (at the latest on the first next())', async () => {
    // rejected when given: either readRecords throws at once or the first next() rejects
    const err = await (async () =>
      (await drain(readRecords(p, { onTornTail: 'explode' as 'error' }))).error)().catch(
      (e: unknown) => e,
    );
    expect((err as KeepsakeError)?.code).toBe('ERR_OPTIONS');
  });
});
