import { describe, expect, it } from 'vitest';
import { createCache } from '../../src/cache.js';
import { memoryStore } from '../../src/stores/memory-store.js';
import { MapByteStore } from './helpers.js';

describe('stats', () => {
  it('counts hits, misses, sets, deletes and evictions, cache-wide and per tier', async () => {
    const cache = createCache({ tiers: [memoryStore({ max: 2 }), new MapByteStore('disk')] });
    await cache.set('a', 1);
    await cache.set('b', 2);
    await cache.set('c', 3); // evicts a from memory
    expect(await cache.get('c')).toBe(3);
    expect(await cache.get('a')).toBe(1); // from disk, promoted: evicts b
    expect(await cache.get('zzz')).toBeUndefined();
    await cache.delete('c');
    expect(cache.stats()).toEqual({
      hits: 2,
      misses: 1,
      sets: 3,
      deletes: 1,
      evictions: 2,
      errors: 0,
      inFlight: 0,
      tiers: [
        {
          name: 'memory',
          hits: 1,
          misses: 2,
          sets: 4,
          evictions: 2,
          errors: 0,
          entries: 1,
          usage: { entries: 1 },
        },
        { name: 'disk', hits: 1, misses: 1, sets: 3, evictions: 0, errors: 0 },
      ],
    });
  });

  it('reports bytes for a byte-bounded memory tier', async () => {
    const cache = createCache({ tiers: [memoryStore({ maxBytes: 10_000 })] });
    await cache.set('s', 'x'.repeat(100));
    expect(cache.stats().tiers[0]?.bytes).toBeGreaterThan(100);
  });
});
