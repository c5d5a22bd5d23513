import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  deserialize,
  dumpFile,
  dumpFileSync,
  loadFile,
  loadFileSync,
  serialize,
} from '../../src/codec/index.js';
import { assertSame } from './helpers/equal.js';
import { expectRejectsCode, expectThrowsCode } from './helpers/errors.js';
import { useTempDir } from './helpers/tmp.js';

const tmp = useTempDir();

function value(): unknown {
  const shared = { s: 1 };
  return {
    allBytes: Uint8Array.from({ length: 256 }, (_, i) => i),
    text: 'line1\r\nline2\n\u0000\uD800 😀 \uFEFF',
    crlf: Buffer.from('\r\n\r\n\x1a'),
    big: 2n ** 99n,
    m: new Map([[shared, shared]]),
    neg: -0,
  };
}

describe('dumpFile / loadFile and their sync twins', () => {
  it('async write, async read', async () => {
    const p = join(tmp.dir, 'a.bin');
    const v = value();
    await dumpFile(p, v);
    assertSame(await loadFile(p), v);
  });

  it('sync write, sync read, and the two are interchangeable', async () => {
    const p = join(tmp.dir, 'b.bin');
    const v = value();
    dumpFileSync(p, v);
    assertSame(loadFileSync(p), v);
    assertSame(await loadFile(p), v);
    await dumpFile(p, v);
    assertSame(loadFileSync(p), v);
  });

  it('dumpFileSync returns nothing asynchronous (it is really sync)', () => {
    const p = join(tmp.dir, 'c.bin');
    const r = dumpFileSync(p, 1) as unknown;
    expect(r).toBeUndefined();
    expect(loadFileSync(p)).toBe(1);
  });

  it('compression options travel into the file; loading needs none', async () => {
    const p = join(tmp.dir, 'z.bin');
    const v = { s: 'x'.repeat(100_000) };
    await dumpFile(p, v, { compress: 'brotli' });
    expect((await readFile(p)).byteLength).toBeLessThan(10_000);
    assertSame(await loadFile(p), v);
    dumpFileSync(p, v, { compress: 'gzip' });
    assertSame(loadFileSync(p), v);
  });

  it('files are bytes: the file is exactly the serialize envelope (pickle.dump = write(dumps))', async () => {
    const p = join(tmp.dir, 'd.bin');
    const v = value();
    await dumpFile(p, v);
    const onDisk = new Uint8Array(await readFile(p));
    assertSame(deserialize(onDisk), v);
    await writeFile(p, serialize(v));
    assertSame(await loadFile(p), v);
  });

  it('overwriting replaces the value', async () => {
    const p = join(tmp.dir, 'e.bin');
    await dumpFile(p, 'old');
    await dumpFile(p, 'new');
    expect(await loadFile(p)).toBe('new');
    dumpFileSync(p, 'newer');
    expect(loadFileSync(p)).toBe('newer');
  });

  it('loading a missing file is ERR_IO with the system error as cause', async () => {
    const p = join(tmp.dir, 'missing.bin');
    const e1 = await expectRejectsCode(loadFile(p), 'ERR_IO');
    expect((e1.cause as NodeJS.ErrnoException).code).toBe('ENOENT');
    const e2 = expectThrowsCode(() => loadFileSync(p), 'ERR_IO');
    expect((e2.cause as NodeJS.ErrnoException).code).toBe('ENOENT');
  });

  it('loading a file of garbage is ERR_FORMAT, a truncated one ERR_CORRUPT', async () => {
    const p = join(tmp.dir, 'g.bin');
    await writeFile(p, 'not keepsake at all');
    await expectRejectsCode(loadFile(p), 'ERR_FORMAT');
    expectThrowsCode(() => loadFileSync(p), 'ERR_FORMAT');
    const blob = serialize({ a: 'x'.repeat(1000) });
    await writeFile(p, blob.subarray(0, blob.length - 10));
    await expectRejectsCode(loadFile(p), 'ERR_CORRUPT');
    expectThrowsCode(() => loadFileSync(p), 'ERR_CORRUPT');
  });
});
