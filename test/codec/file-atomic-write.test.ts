import { chmod, link, mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dumpFile, dumpFileSync, loadFile, loadFileSync } from '../../src/codec/index.js';
import { expectRejectsCode, expectThrowsCode } from './helpers/errors.js';
import { useTempDir } from './helpers/tmp.js';

const tmp = useTempDir();
const isRoot = process.getuid?.() === 0;

type Dump = (path: string, value: unknown) => Promise<void>;
const writers: Array<[string, Dump, (p: string) => Promise<unknown>]> = [
  ['dumpFile', (p, v) => dumpFile(p, v), (p) => loadFile(p)],
  [
    'dumpFileSync',
    async (p, v) => {
      dumpFileSync(p, v);
    },
    async (p) => loadFileSync(p),
  ],
];

describe.each(writers)('%s is atomic', (_name, dump, load) => {
  it('leaves no temp file behind after a successful write', async () => {
    const p = join(tmp.dir, 'v.bin');
    await dump(p, { big: 'x'.repeat(1_000_000) });
    await dump(p, { big: 'y'.repeat(1_000_000) });
    expect(await readdir(tmp.dir)).toEqual(['v.bin']);
  });

  it('replaces the file by rename: a hard link to the old file keeps the old bytes', async () => {
    const p = join(tmp.dir, 'v.bin');
    const alias = join(tmp.dir, 'alias.bin');
    await dump(p, 'old');
    const ino = (await stat(p)).ino;
    await link(p, alias);
    await dump(p, 'new');
    expect(await load(p)).toBe('new');
    // written in place (truncate + write) would have changed the alias too
    expect(await load(alias)).toBe('old');
    expect((await stat(p)).ino).not.toBe(ino);
    expect((await readdir(tmp.dir)).sort()).toEqual(['alias.bin', 'v.bin']);
  });

  it('an unserializable value leaves the old file intact and no temp file', async () => {
    const p = join(tmp.dir, 'v.bin');
    await dump(p, { keep: 1 });
    await expectRejectsCode(dump(p, { f: () => 1 }), 'ERR_UNSERIALIZABLE');
    expect(await load(p)).toEqual({ keep: 1 });
    expect(await readdir(tmp.dir)).toEqual(['v.bin']);
  });

  it('a folder that does not exist is ERR_IO and creates nothing', async () => {
    const p = join(tmp.dir, 'no', 'such', 'dir', 'v.bin');
    await expectRejectsCode(dump(p, 1), 'ERR_IO');
    expect(await readdir(tmp.dir)).toEqual([]);
  });

  it('a rename that fails (target is a directory) is ERR_IO and removes its temp file', async () => {
    const p = join(tmp.dir, 'taken');
    await mkdir(p);
    await writeFile(join(p, 'inside.txt'), 'x');
    await expectRejectsCode(dump(p, { v: 'x'.repeat(100_000) }), 'ERR_IO');
    expect(await readdir(tmp.dir)).toEqual(['taken']);
    expect(await readdir(p)).toEqual(['inside.txt']);
  });

  it.skipIf(isRoot)('a read-only folder is ERR_IO and the old file stays', async () => {
    const sub = join(tmp.dir, 'ro');
    await mkdir(sub);
    const p = join(sub, 'v.bin');
    await dump(p, 'old');
    await chmod(sub, 0o555);
    try {
      await expectRejectsCode(dump(p, 'new'), 'ERR_IO');
      expect(await load(p)).toBe('old');
      expect(await readdir(sub)).toEqual(['v.bin']);
    } finally {
      await chmod(sub, 0o755);
    }
  });

  it('concurrent writers to one path: the file always holds one whole value', async () => {
    const p = join(tmp.dir, 'v.bin');
    const values = Array.from({ length: 20 }, (_, i) => ({ i, pad: String(i).repeat(50_000) }));
    await Promise.all(values.map((v) => dump(p, v)));
    const out = (await load(p)) as { i: number; pad: string };
    expect(out.pad).toBe(String(out.i).repeat(50_000));
    expect(await readdir(tmp.dir)).toEqual(['v.bin']);
  });
});

describe('bad options', () => {
  it('an unknown compression is ERR_OPTIONS and the old file stays', async () => {
    const p = join(tmp.dir, 'v.bin');
    await dumpFile(p, 'old');
    await expectRejectsCode(dumpFile(p, 'new', { compress: 'zip' as 'gzip' }), 'ERR_OPTIONS');
    expectThrowsCode(() => dumpFileSync(p, 'new', { compress: 'zip' as 'gzip' }), 'ERR_OPTIONS');
    expect(await loadFile(p)).toBe('old');
    expect(await readdir(tmp.dir)).toEqual(['v.bin']);
  });
});

describe('sync failure paths throw synchronously', () => {
  it('dumpFileSync into a missing folder throws ERR_IO', () => {
    expectThrowsCode(() => dumpFileSync(join(tmp.dir, 'nope', 'x.bin'), 1), 'ERR_IO');
  });
});
