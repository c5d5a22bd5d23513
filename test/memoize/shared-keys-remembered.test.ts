import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { registerClass } from '../../src/codec/registry.js';
import { hashKey, memoize } from '../../src/index.js';

const root = mkdtempSync(path.join(tmpdir(), 'keepsake-shared-keys-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;
const diskDir = () => path.join(root, String(dirs++));

/** A registered class whose state is read once per encoding: counts how often a key is made. */
class Counted {
  static encodings = 0;
  constructor(readonly id: number) {}
}
registerClass(Counted, {
  name: 'test.memoize.Counted',
  toState: (c) => {
    Counted.encodings++;
    return { id: c.id };
  },
});

describe('memoize with a disk tier remembers shared keys by the memory key', () => {
  it('a memory hit encodes its arguments once, and derives no 128-bit hash', () => {
    const f = memoize((c: Counted) => c.id * 2, { disk: { dir: diskDir() } });
    expect(f(new Counted(4))).toBe(8);
    Counted.encodings = 0;
    expect(f(new Counted(4))).toBe(8);
    // One encoding for the memory key; the shared key came from the memo.
    expect(Counted.encodings).toBe(1);
    expect(f.stats().hits).toBe(1);
  });

  it('the remembered key is the key derivation gives: a new process finds the entry', () => {
    const dir = diskDir();
    let computed = 0;
    const f = memoize((n: number, o: { a: number[] }) => n + o.a.length + computed++, {
      disk: { dir },
      name: 'remembered',
    });
    expect(f(1, { a: [1, 2] })).toBe(3);
    expect(f(1, { a: [1, 2] })).toBe(3);
    const key = f.keyOf(1, { a: [1, 2] });
    expect(key).toMatch(/^[0-9a-f]{32}$/);
    // Same identity and arguments in a fresh wrapper (nothing remembered) give the same key.
    const g = memoize((n: number, o: { a: number[] }) => n + o.a.length + computed++, {
      disk: { dir },
      name: 'remembered',
    });
    expect(g.keyOf(1, { a: [1, 2] })).toBe(key);
    expect(g(1, { a: [1, 2] })).toBe(3);
    expect(computed).toBe(1);
  });

  it('different arguments never share a remembered key', () => {
    const show = (x: unknown): string =>
      typeof x === 'bigint'
        ? `${x}n`
        : Object.is(x, -0)
          ? '-0'
          : `${typeof x}:${JSON.stringify(x)}`;
    const f = memoize(show, { disk: { dir: diskDir() } });
    const args: unknown[] = [1, '1', 1n, true, -0, 0, '\0x', [1], { a: 1 }, { a: '1' }, null];
    const keys = new Set(args.map((a) => f.keyOf(a)));
    expect(keys.size).toBe(args.length);
    for (const a of args) expect(f(a)).toBe(show(a));
    for (const a of args) expect(f(a)).toBe(show(a));
    expect(f.stats().hits).toBe(args.length);
  });

  it('a method keys a changed `this` afresh (its fields are part of the shared key)', () => {
    const dir = diskDir();
    class Rates {
      constructor(public base: number) {}
      price(n: number): number {
        return n * this.base;
      }
    }
    Rates.prototype.price = memoize(Rates.prototype.price, { disk: { dir } });
    registerClass(Rates, { name: 'test.memoize.Rates' });
    const r = new Rates(2);
    expect(r.price(10)).toBe(20);
    r.base = 3;
    expect(r.price(10)).toBe(30);
    expect(hashKey(new Rates(3))).not.toBe(hashKey(new Rates(2)));
  });
});
