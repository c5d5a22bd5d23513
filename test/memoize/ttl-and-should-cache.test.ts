import { describe, expect, it } from 'vitest';
import { memoize } from '../../src/index.js';

describe('ttl and shouldCache', () => {
  let time = 1_000_000;
  const now = () => time;
  const advance = (ms: number) => {
    time += ms;
  };

  it('a numeric ttl expires results', () => {
    let calls = 0;
    const f = memoize((x: number) => x + ++calls, { ttl: 100, now });
    expect(f(1)).toBe(2);
    advance(50);
    expect(f(1)).toBe(2);
    advance(60);
    expect(f(1)).toBe(3);
  });

  it('ttl as a function of the value', () => {
    let calls = 0;
    const f = memoize((x: number) => ({ x, n: ++calls }), {
      ttl: (v: { x: number }) => v.x * 100,
      now,
    });
    expect(f(1).n).toBe(1);
    expect(f(5).n).toBe(2);
    advance(150);
    expect(f(1).n).toBe(3);
    expect(f(5).n).toBe(2);
  });

  it('shouldCache decides per result', () => {
    let calls = 0;
    const f = memoize(
      (x: number) => {
        ++calls;
        return x > 0 ? x : null;
      },
      {
        shouldCache: (v: number | null) => v !== null,
      },
    );
    f(-1);
    f(-1);
    f(2);
    f(2);
    expect(calls).toBe(3);
  });

  it('staleWhileRevalidate serves the old value while one refresh runs', async () => {
    let version = 0;
    const f = memoize(async (_k: string) => ++version, {
      ttl: 100,
      staleWhileRevalidate: 1_000,
      now,
    });
    expect(await f('k')).toBe(1);
    advance(150);
    expect(await f('k')).toBe(1);
    // The refresh runs in the background; once it settles the new value is served.
    await new Promise((resolve) => setImmediate(resolve));
    expect(await f('k')).toBe(2);
  });
});
