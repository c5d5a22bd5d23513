import { describe, expect, it } from 'vitest';
import { memoize, memoryStore } from '../../src/index.js';
import { AsyncByteStore } from '../cache/helpers.js';

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

  it('with { ttl } a sync throw is replayed also when a tier is async (Redis-like)', async () => {
    let calls = 0;
    const shared = new AsyncByteStore();
    const f = memoize(
      (_x: number): number => {
        calls++;
        throw new Error(`fail ${calls}`);
      },
      {
        name: 'rejections.async-tier',
        tiers: [memoryStore({ now }), shared],
        cacheRejections: { ttl: 1_000 },
        now,
      },
    );
    expect(() => f(1)).toThrow('fail 1');
    expect(() => f(1)).toThrow('fail 1');
    expect(calls).toBe(1);
    advance(1_001);
    expect(() => f(1)).toThrow('fail 2');
    const plain = memoize(
      (_x: number): number => {
        calls++;
        throw new Error(`plain ${calls}`);
      },
      { name: 'rejections.async-tier.off', tiers: [memoryStore({ now }), shared], now },
    );
    expect(() => plain(1)).toThrow('plain 3');
    expect(() => plain(1)).toThrow('plain 4');
  });
});
