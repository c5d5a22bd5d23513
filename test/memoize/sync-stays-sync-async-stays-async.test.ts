import { describe, expect, expectTypeOf, it } from 'vitest';
import { memoize } from '../../src/index.js';

describe('memoize keeps the function as it was', () => {
  it('a sync function returns values, never promises, and computes once per argument', () => {
    let calls = 0;
    const square = memoize((x: number) => {
      calls++;
      return x * x;
    });
    expect(square(3)).toBe(9);
    expect(square(3)).toBe(9);
    expect(square(4)).toBe(16);
    expect(calls).toBe(2);
  });

  it('an async function returns promises on misses and on hits', async () => {
    let calls = 0;
    const load = memoize(async (id: string) => {
      calls++;
      return { id };
    });
    const first = load('a');
    expect(first).toBeInstanceOf(Promise);
    const value = await first;
    const again = load('a');
    expect(again).toBeInstanceOf(Promise);
    expect(await again).toBe(value);
    expect(calls).toBe(1);
  });

  it('a non-async function that returns a promise is treated as async from its first call', async () => {
    let calls = 0;
    const twice = memoize((x: number) => {
      calls++;
      return Promise.resolve(x * 2);
    });
    expect(await twice(2)).toBe(4);
    const hit = twice(2);
    expect(hit).toBeInstanceOf(Promise);
    expect(await hit).toBe(4);
    expect(calls).toBe(1);
  });

  it('keeps name and length', () => {
    function addAll(a: number, b: number, c: number) {
      return a + b + c;
    }
    const memo = memoize(addAll);
    expect(memo.name).toBe('addAll');
    expect(memo.length).toBe(3);
  });

  it('keeps the type signature', () => {
    const f = memoize((a: number, b: string): boolean => a > b.length);
    expectTypeOf(f).parameters.toEqualTypeOf<[number, string]>();
    expectTypeOf(f).returns.toEqualTypeOf<boolean>();
    expectTypeOf(f.peek).returns.toEqualTypeOf<boolean | undefined>();
    const g = memoize(async (id: string) => ({ id }));
    expectTypeOf(g).returns.toEqualTypeOf<Promise<{ id: string }>>();
    expectTypeOf(g.peek).returns.toEqualTypeOf<{ id: string } | undefined>();
    expectTypeOf(g.keyOf).parameters.toEqualTypeOf<[string]>();
  });

  it('the first call needs nothing awaited first', async () => {
    const { execFileSync } = await import('node:child_process');
    const path = await import('node:path');
    const entry = path.resolve('src/index.ts');
    const script = `import { memoize, hashKey } from ${JSON.stringify(entry)};
      const f = memoize((o) => o.n + 1);
      process.stdout.write(String(f({ n: 1 })) + ' ' + hashKey({ n: 1 }).length);`;
    const out = execFileSync(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      {
        encoding: 'utf8',
      },
    );
    expect(out).toBe('2 32');
  });
});
