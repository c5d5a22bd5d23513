import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { memoize, memoryStore } from '../../src/index.js';

const dirs: string[] = [];
const tmp = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'keepsake-memo-opts-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('memoize options that pick the key and the tiers', () => {
  it('key: calls are keyed by what it returns, the other arguments ignored', () => {
    let calls = 0;
    const render = memoize(
      (user: { id: number; name: string }, _trace: { requestId: string }) => {
        calls++;
        return `hello ${user.name}`;
      },
      { key: (user) => user.id },
    );
    expect(render({ id: 1, name: 'Ada' }, { requestId: 'a' })).toBe('hello Ada');
    expect(render({ id: 1, name: 'Ada L.' }, { requestId: 'b' })).toBe('hello Ada');
    expect(render({ id: 2, name: 'Bo' }, { requestId: 'a' })).toBe('hello Bo');
    expect(calls).toBe(2);
    expect(render.keyOf({ id: 1, name: 'x' }, { requestId: 'z' })).toBe(
      render.keyOf({ id: 1, name: 'y' }, { requestId: 'y' }),
    );
  });

  it('memory: { max } bounds the entries kept', () => {
    let calls = 0;
    const f = memoize((x: number) => (calls++, x), { memory: { max: 4 } });
    for (let x = 1; x <= 50; x++) f(x);
    expect(calls).toBe(50);
    f(1); // long gone
    expect(calls).toBe(51);
    f(50); // just used
    expect(calls).toBe(51);
  });

  it('memory: { maxBytes } bounds the bytes kept: two values of 600 bytes do not fit in 1,000', () => {
    let calls = 0;
    const f = memoize((c: string) => (calls++, c.repeat(600)), { memory: { maxBytes: 1_000 } });
    f('a');
    f('b');
    f('a');
    expect(calls).toBe(3);
    f('a');
    expect(calls).toBe(3);
  });

  it('memory: false with disk: only the disk tier, and what it holds outlives the function', () => {
    const dir = tmp();
    let calls = 0;
    const make = () => memoize((x: number) => (calls++, x * 3), { memory: false, disk: { dir } });
    const first = make();
    expect(first(7)).toBe(21);
    expect(first(7)).toBe(21);
    expect(first.stats().tiers.map((t) => t.name)).toHaveLength(1);
    expect(first.stats().tiers[0]!.hits).toBe(1);
    expect(make()(7)).toBe(21);
    expect(calls).toBe(1);
  });

  it('tiers: the given stores and nothing else', () => {
    const store = memoryStore({ name: 'mine' });
    let calls = 0;
    const f = memoize((x: number) => (calls++, x + 1), { tiers: [store] });
    expect(f(1)).toBe(2);
    expect(f(1)).toBe(2);
    expect(calls).toBe(1);
    expect(f.stats().tiers.map((t) => t.name)).toEqual(['mine']);
    expect(store.usage().entries).toBe(1);
  });
});
