import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openRecordWriter, readRecords } from '../../src/codec/index.js';
import { assertSame } from './helpers/equal.js';
import { expectRejectsCode } from './helpers/errors.js';
import { drain } from './helpers/records.js';
import { useTempDir } from './helpers/tmp.js';

const tmp = useTempDir();

function rec(i: number): unknown {
  switch (i % 6) {
    case 0:
      return i;
    case 1:
      return { i, s: `s${i}`, neg: -0 };
    case 2:
      return [i, new Date(i), 2n ** BigInt(i % 100)];
    case 3:
      return new Map([[i, new Set([i])]]);
    case 4:
      return Buffer.from(`buf${i}`);
    default:
      return i % 12 === 5 ? undefined : null;
  }
}

describe('record files', () => {
  it('10,000 records come back in order, exactly', async () => {
    const p = join(tmp.dir, 'r.log');
    const w = await openRecordWriter(p);
    for (let i = 0; i < 10_000; i++) await w.write(rec(i));
    await w.close();
    const { values, error } = await drain(readRecords(p));
    expect(error).toBeUndefined();
    expect(values).toHaveLength(10_000);
    for (let i = 0; i < 10_000; i++) assertSame(values[i], rec(i));
  });

  it('writes issued without awaiting each one still land in order', async () => {
    const p = join(tmp.dir, 'r.log');
    const w = await openRecordWriter(p);
    await Promise.all(Array.from({ length: 500 }, (_, i) => w.write({ i })));
    await w.close();
    const { values } = await drain(readRecords<{ i: number }>(p));
    expect(values.map((v) => v.i)).toEqual(Array.from({ length: 500 }, (_, i) => i));
  });

  it('identity and cycles are kept within one record', async () => {
    const p = join(tmp.dir, 'r.log');
    const shared = { s: 1 };
    const cyc: Record<string, unknown> = {};
    cyc.self = cyc;
    const w = await openRecordWriter(p);
    await w.write({ a: shared, b: shared, cyc });
    await w.close();
    const [out] = (await drain(readRecords<{ a: object; b: object; cyc: { self: unknown } }>(p)))
      .values;
    expect(out!.a).toBe(out!.b);
    expect(out!.cyc.self).toBe(out!.cyc);
  });

  it('flush makes written records readable while the writer stays open', async () => {
    const p = join(tmp.dir, 'r.log');
    const w = await openRecordWriter(p);
    await w.write('one');
    await w.write('two');
    await w.flush();
    expect((await drain(readRecords(p))).values).toEqual(['one', 'two']);
    await w.write('three');
    await w.close();
    expect((await drain(readRecords(p))).values).toEqual(['one', 'two', 'three']);
  });

  it('append mode continues an existing file; the default starts a new one', async () => {
    const p = join(tmp.dir, 'r.log');
    let w = await openRecordWriter(p);
    await w.write(1);
    await w.write(2);
    await w.close();
    w = await openRecordWriter(p, { append: true });
    await w.write(3);
    await w.close();
    w = await openRecordWriter(p, { append: true });
    await w.write(4);
    await w.close();
    expect((await drain(readRecords(p))).values).toEqual([1, 2, 3, 4]);
    w = await openRecordWriter(p);
    await w.write('fresh');
    await w.close();
    expect((await drain(readRecords(p))).values).toEqual(['fresh']);
  });

  it('append mode creates the file when it does not exist', async () => {
    const p = join(tmp.dir, 'new.log');
    const w = await openRecordWriter(p, { append: true });
    await w.write('x');
    await w.close();
    expect((await drain(readRecords(p))).values).toEqual(['x']);
  });

  it('compressed records, mixed with uncompressed ones in one file', async () => {
    const p = join(tmp.dir, 'r.log');
    let w = await openRecordWriter(p, { compress: 'gzip' });
    await w.write('a'.repeat(100_000));
    await w.close();
    expect((await stat(p)).size).toBeLessThan(10_000);
    w = await openRecordWriter(p, { append: true, compress: 'brotli' });
    await w.write({ b: 'b'.repeat(1000) });
    await w.close();
    w = await openRecordWriter(p, { append: true });
    await w.write(3);
    await w.close();
    const { values } = await drain(readRecords(p));
    expect(values).toEqual(['a'.repeat(100_000), { b: 'b'.repeat(1000) }, 3]);
  });

  it('an empty writer gives a file with no records', async () => {
    const p = join(tmp.dir, 'r.log');
    const w = await openRecordWriter(p);
    await w.close();
    const { values, error } = await drain(readRecords(p));
    expect(values).toEqual([]);
    expect(error).toBeUndefined();
  });

  it('an empty existing file reads as no records', async () => {
    const p = join(tmp.dir, 'r.log');
    await writeFile(p, '');
    expect((await drain(readRecords(p, { onTornTail: 'error' }))).values).toEqual([]);
  });

  it('readRecords yields lazily and can be stopped early', async () => {
    const p = join(tmp.dir, 'r.log');
    const w = await openRecordWriter(p);
    for (let i = 0; i < 100; i++) await w.write(i);
    await w.close();
    const it = readRecords<number>(p);
    expect((await it.next()).value).toBe(0);
    expect((await it.next()).value).toBe(1);
    await it.return?.();
    const seen: number[] = [];
    for await (const v of readRecords<number>(p)) {
      seen.push(v);
      if (v === 9) break;
    }
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('a missing file is ERR_IO', async () => {
    const err = await expectRejectsCode(
      drain(readRecords(join(tmp.dir, 'nope.log'))).then((r) => {
        if (r.error) throw r.error;
      }),
      'ERR_IO',
    );
    expect((err.cause as NodeJS.ErrnoException).code).toBe('ENOENT');
  });

  it('an unserializable value is rejected with ERR_UNSERIALIZABLE and does not tear the file', async () => {
    const p = join(tmp.dir, 'r.log');
    const w = await openRecordWriter(p);
    await w.write('before');
    await expectRejectsCode(w.write({ f: () => 1 }), 'ERR_UNSERIALIZABLE');
    await w.write('after');
    await w.close();
    const { values, error } = await drain(readRecords(p, { onTornTail: 'error' }));
    expect(error).toBeUndefined();
    expect(values).toEqual(['before', 'after']);
  });

  it('writing after close is ERR_CLOSED', async () => {
    const p = join(tmp.dir, 'r.log');
    const w = await openRecordWriter(p);
    await w.close();
    await expectRejectsCode(w.write(1), 'ERR_CLOSED');
  });

  it('records of a registered class need the registration on read (unknownClass passes through)', async () => {
    const p = join(tmp.dir, 'r.log');
    const w = await openRecordWriter(p);
    await w.write({ plain: true });
    await w.close();
    const { values } = await drain(readRecords(p, { unknownClass: 'plain' }));
    expect(values).toEqual([{ plain: true }]);
  });

  it('a folder that does not exist is ERR_IO when opening the writer', async () => {
    await expectRejectsCode(openRecordWriter(join(tmp.dir, 'no', 'r.log')), 'ERR_IO');
  });
});
