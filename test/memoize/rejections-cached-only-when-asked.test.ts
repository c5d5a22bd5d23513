import { describe, expect, it } from 'vitest';
import { memoize } from '../../src/index.js';

describe('cacheRejections', () => {
  let time = 1_000_000;
  const now = () => time;
  const advance = (ms: number) => {
    time += ms;
  };

  it('by default a sync throw is not cached', () => {
    let calls = 0;
    const f = memoize((x: number) => {
      calls++;
      if (calls === 1) throw new Error('first');
      return x;
    });
    expect(() => f(1)).toThrow('first');
    expect(f(1)).toBe(1);
    expect(calls).toBe(2);
  });

  it('with { ttl } a sync throw is replayed until the ttl passes', () => {
    let calls = 0;
    const f = memoize(
      (_x: number): number => {
        calls++;
        throw new Error(`fail ${calls}`);
      },
      { cacheRejections: { ttl: 1_000 }, now },
    );
    expect(() => f(1)).toThrow('fail 1');
    expect(() => f(1)).toThrow('fail 1');
    expect(calls).toBe(1);
    advance(1_001);
    expect(() => f(1)).toThrow('fail 2');
  });

  it('with { ttl } an async rejection is replayed as a rejection', async () => {
    let calls = 0;
    const f = memoize(
      async (_x: number): Promise<number> => {
        calls++;
        throw new Error(`fail ${calls}`);
      },
      { cacheRejections: { ttl: 1_000 }, now },
    );
    await expect(f(1)).rejects.toThrow('fail 1');
    const again = f(1);
    expect(again).toBeInstanceOf(Promise);
    await expect(again).rejects.toThrow('fail 1');
    expect(calls).toBe(1);
  });
});
