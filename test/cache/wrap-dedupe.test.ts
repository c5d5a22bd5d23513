import { describe, expect, it } from 'vitest';
import { createCache } from '../../src/cache.js';
import { memoryStore } from '../../src/stores/memory-store.js';
import { AsyncByteStore, deferred } from './helpers.js';

describe('wrap de-duplicates concurrent callers', () => {
  it('runs exactly one computation for 1000 concurrent callers of a cold key', async () => {
    const cache = createCache();
    const gate = deferred<number>();
    let computes = 0;
    const calls = Array.from({ length: 1000 }, () =>
      cache.wrap('cold', () => {
        computes++;
        return gate.promise;
      }),
    );
    expect(cache.stats().inFlight).toBe(1);
    gate.resolve(42);
    expect(await Promise.all(calls)).toEqual(Array(1000).fill(42));
    expect(computes).toBe(1);
    expect(cache.stats()).toMatchObject({ misses: 1, sets: 1, inFlight: 0 });
  });

  it('runs one computation and one lower-tier read with an async tier below', async () => {
    const remote = new AsyncByteStore();
    const cache = createCache({ tiers: [memoryStore(), remote] });
    let computes = 0;
    const calls = Array.from({ length: 1000 }, () =>
      cache.wrap('cold', async () => {
        computes++;
        return { n: 1 };
      }),
    );
    const results = await Promise.all(calls);
    expect(computes).toBe(1);
    expect(remote.reads).toBe(1);
    expect(new Set(results).size).toBe(1);
    await cache.close();
    expect(remote.inner.map.has('cold')).toBe(true);
  });

  it('does not share computations between different keys', async () => {
    const cache = createCache();
    const results = await Promise.all([1, 2, 3].map((n) => cache.wrap(`k${n}`, () => n * 10)));
    expect(results).toEqual([10, 20, 30]);
  });

  it('does not store a value refused by shouldCache, and takes ttl from the value', async () => {
    const cache = createCache();
    await cache.wrap('no', () => -1, { shouldCache: (v) => v >= 0 });
    expect(await cache.get('no')).toBeUndefined();
    await cache.wrap('zero', () => 5, { ttl: () => 0 });
    expect(await cache.get('zero')).toBeUndefined();
  });
});
