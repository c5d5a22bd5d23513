import { describe, expect, it } from 'vitest';
import { type CacheOptions, createCache } from '../../src/cache.js';
import { isKeepsakeError } from '../../src/errors.js';
import { memoryStore } from '../../src/stores/memory-store.js';
import type { Store } from '../../src/stores/store.js';
import { AsyncByteStore, MapByteStore } from './helpers.js';

const optionsError = expect.objectContaining({ code: 'ERR_OPTIONS' });

describe('ERR_OPTIONS', () => {
  it('rejects bad options at construction, with a hint', () => {
    const bad: unknown[] = [
      { tiers: [] },
      { tiers: [{}] },
      { tiers: [{ ...new MapByteStore(), kind: 'json' }] },
      { ttl: -1 },
      { ttl: 0 },
      { ttl: '60s' },
      { staleWhileRevalidate: Number.NaN },
      { readTimeout: 0 },
      { writeTimeout: Number.POSITIVE_INFINITY },
      { namespace: 3 },
      { now: 'yesterday' },
      { lock: true }, // no tier holds leases
      { lock: 'yes' },
    ];
    for (const options of bad) {
      let error: unknown;
      try {
        createCache(options as CacheOptions);
      } catch (e) {
        error = e;
      }
      expect(isKeepsakeError(error, 'ERR_OPTIONS'), JSON.stringify(options)).toBe(true);
      expect((error as { hint?: string }).hint).toBeTruthy();
    }
    const store = memoryStore();
    expect(() => createCache({ tiers: [store, store as Store] })).toThrow(optionsError);
  });

  it('rejects bad per-call options at the call', async () => {
    const cache = createCache();
    await expect(cache.set('k', 1, { ttl: -5 })).rejects.toThrow(optionsError);
    expect(() => cache.setSync('k', 1, { tags: 'a' as unknown as string[] })).toThrow(optionsError);
  });

  it('rejects bad wrap options at the call: before compute runs, and on a hit too', async () => {
    const cache = createCache();
    await cache.set('hit', 1);
    let computed = 0;
    const compute = () => ++computed;
    const bad: unknown[] = [
      { ttl: -1 },
      { ttl: '1h' },
      { staleWhileRevalidate: Number.NaN },
      { tags: 'user:1' },
      { tags: [1] },
      { shouldCache: true },
    ];
    for (const options of bad) {
      for (const key of ['miss', 'hit']) {
        const o = options as Parameters<typeof cache.wrap>[2];
        await expect(cache.wrap(key, compute, o), JSON.stringify(options)).rejects.toThrow(
          optionsError,
        );
        expect(() => cache.wrapSync(key, compute, o), JSON.stringify(options)).toThrow(
          optionsError,
        );
      }
    }
    expect(computed).toBe(0);
    expect(await cache.get('miss')).toBeUndefined();
    await expect(cache.wrap('k', compute, { ttl: -1 })).rejects.toThrow(/^cache\.wrap: `ttl`/);
    // Not an object at all (say, a ttl passed where the options go): ERR_OPTIONS, not a TypeError.
    for (const junk of [null, 60_000]) {
      const o = junk as unknown as Parameters<typeof cache.wrap>[2];
      await expect(cache.wrap('k', compute, o)).rejects.toThrow(optionsError);
      expect(() => cache.wrapSync('k', compute, o)).toThrow(optionsError);
      await expect(cache.set('k', 1, junk as never)).rejects.toThrow(optionsError);
    }
    expect(computed).toBe(0);
  });

  it('checks what ttl and tags functions return, and stores nothing when it is wrong', async () => {
    const cache = createCache();
    await expect(cache.wrap('a', () => 1, { ttl: () => -1 })).rejects.toThrow(optionsError);
    expect(() => cache.wrapSync('b', () => 1, { tags: () => 'x' as unknown as string[] })).toThrow(
      optionsError,
    );
    expect(await cache.get('a')).toBeUndefined();
    expect(await cache.get('b')).toBeUndefined();
  });

  it('refuses the sync methods on a cache with an async tier, and wrapSync of a promise', () => {
    const cache = createCache({ tiers: [memoryStore(), new AsyncByteStore()] });
    expect(cache.sync).toBe(false);
    expect(() => cache.getSync('k')).toThrow(optionsError);
    expect(() => cache.setSync('k', 1)).toThrow(optionsError);
    expect(() => cache.wrapSync('k', () => 1)).toThrow(optionsError);
    const sync = createCache();
    expect(() => sync.wrapSync('k', () => Promise.resolve(1))).toThrow(optionsError);
  });
});
