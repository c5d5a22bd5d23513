import { describe, expect, it } from 'vitest';
import { memoize } from '../../src/index.js';

describe('keyOf, peek, invalidate, clear, stats', () => {
  it('keyOf is stable for equal arguments and differs for different ones', () => {
    const f = memoize((o: { a: number; b: number[] }) => o.a);
    expect(f.keyOf({ a: 1, b: [1] })).toBe(f.keyOf({ b: [1], a: 1 }));
    expect(f.keyOf({ a: 1, b: [1] })).not.toBe(f.keyOf({ a: 1, b: [2] }));
    const g = memoize((x: unknown) => x);
    const keys = [1, '1', 1n, true].map((v) => g.keyOf(v));
    expect(new Set(keys).size).toBe(4);
  });

  it('peek shows a cached value without computing', async () => {
    let calls = 0;
    const f = memoize(async (x: number) => {
      calls++;
      return x * 10;
    });
    expect(f.peek(1)).toBeUndefined();
    await f(1);
    expect(f.peek(1)).toBe(10);
    expect(calls).toBe(1);
  });

  it('invalidate drops one call, clear drops all', async () => {
    let calls = 0;
    const f = memoize((x: number) => {
      calls++;
      return x;
    });
    f(1);
    f(2);
    await f.invalidate(1);
    f(1);
    f(2);
    expect(calls).toBe(3);
    await f.clear();
    f(1);
    f(2);
    expect(calls).toBe(5);
  });

  it('stats count hits and misses', () => {
    const f = memoize((x: number) => x);
    f(1);
    f(1);
    f(1);
    f(2);
    const stats = f.stats();
    expect(stats.hits).toBe(2);
    expect(stats.misses).toBe(2);
    expect(stats.tiers[0]?.name).toBe('memory');
  });

  it('distinguishes -0 from 0, and NUL-prefixed strings from composite keys', () => {
    let calls = 0;
    const f = memoize((x: unknown) => {
      calls++;
      return Object.is(x, -0) ? 'neg' : String(x);
    });
    expect(f(0)).toBe('0');
    expect(f(-0)).toBe('neg');
    expect(f('\0x')).toBe('\0x');
    expect(f('\0x')).toBe('\0x');
    expect(calls).toBe(3);
  });
});
