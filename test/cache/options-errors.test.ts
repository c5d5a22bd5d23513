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
