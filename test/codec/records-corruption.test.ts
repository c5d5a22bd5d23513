import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DeserializeOptions } from '../../src/codec/index.js';
import { openRecordWriter, readRecords } from '../../src/codec/index.js';
import { KeepsakeError } from '../../src/errors.js';
import { drain } from './helpers/records.js';
import { useTempDir } from './helpers/tmp.js';

const tmp = useTempDir();
type ReadOpts = DeserializeOptions & { onTornTail?: 'error' | 'truncate' | 'ignore' };

async function writeRecords(p: string, n: number, make: (i: number) => unknown): Promise<Buffer> {
  const w = await openRecordWriter(p);
  for (let i = 0; i < n; i++) await w.write(make(i));
  await w.close();
  return readFile(p);
}

/** Yielded values must be a correct prefix: record k must equal make(k). */
function expectPrefix(values: unknown[], make: (i: number) => unknown): void {
  values.forEach((v, k) => {
    expect(v).toEqual(make(k));
  });
}

describe('a corrupted record in the middle of a record file', () => {
  const big = (i: number): unknown => ({
    i,
    marker: `MARKER-${String(i).padStart(4, '0')}`,
    pad: 'q'.repeat(2000),
  });

  it.each(['ignore', 'error', 'truncate'] as const)(
    "a flipped byte in a middle record's payload -> ERR_CORRUPT even with onTornTail '%s'",
    async (mode) => {
      const p = join(tmp.dir, 'r.log');
      const bytes = await writeRecords(p, 100, big);
      let at = bytes.indexOf('MARKER-0050');
      if (at < 0) at = Math.floor(bytes.length / 2);
      bytes[at + 3]! ^= 0x10;
      await writeFile(p, bytes);
      const { values, error } = await drain(readRecords(p, { onTornTail: mode } as ReadOpts));
      expect(error).toBeInstanceOf(KeepsakeError);
      expect((error as KeepsakeError).code).toBe('ERR_CORRUPT');
      expect(values.length).toBeLessThanOrEqual(50);
      expectPrefix(values, big);
      if (mode === 'truncate') {
        // a middle corruption is not a torn tail: the file must not be cut
        expect((await readFile(p)).length).toBe(bytes.length);
      }
    },
  );

  const small = (i: number): unknown => ({ i, s: `v${i}` });

  it("any single flipped byte -> a correct prefix then ERR_CORRUPT/ERR_FORMAT ('error' mode)", async () => {
    const p = join(tmp.dir, 'r.log');
    const good = await writeRecords(p, 12, small);
    for (let at = 0; at < good.length; at++) {
      const bad = Buffer.from(good);
      bad[at]! ^= 1 << (at % 8);
      await writeFile(p, bad);
      const { values, error } = await drain(readRecords(p, { onTornTail: 'error' }));
      expectPrefix(values, small);
      if (!(error instanceof KeepsakeError)) {
        throw new Error(
          `flip at byte ${at} of ${good.length}: no KeepsakeError (got ${String(error)}), ${values.length} records yielded`,
        );
      }
      expect(['ERR_CORRUPT', 'ERR_FORMAT']).toContain(error.code);
    }
  });

  it("any single flipped byte outside the last record is reported even in the default 'ignore' mode", async () => {
    const p = join(tmp.dir, 'r.log');
    const w = await openRecordWriter(p);
    for (let i = 0; i < 11; i++) await w.write(small(i));
    await w.close();
    const lastStart = (await readFile(p)).length;
    const a = await openRecordWriter(p, { append: true });
    await a.write(small(11));
    await a.close();
    const good = await readFile(p);
    const silent: number[] = [];
    for (let at = 0; at < lastStart; at++) {
      const bad = Buffer.from(good);
      bad[at]! ^= 1 << (at % 8);
      await writeFile(p, bad);
      const { values, error } = await drain(readRecords(p));
      expectPrefix(values, small);
      if (!(error instanceof KeepsakeError)) silent.push(at);
    }
    expect(
      silent,
      'byte offsets whose flip silently dropped records (mistaken for a torn tail)',
    ).toEqual([]);
  });

  it('garbage appended after the last complete record is not silently taken for a record', async () => {
    const p = join(tmp.dir, 'r.log');
    const good = await writeRecords(p, 5, small);
    await writeFile(
      p,
      Buffer.concat([good, Buffer.from('this is not a record at all, and long enough')]),
    );
    const { values, error } = await drain(readRecords(p, { onTornTail: 'error' }));
    expectPrefix(values, small);
    expect(values).toHaveLength(5);
    expect(error).toBeInstanceOf(KeepsakeError);
  });
});
