import { describe, expect, it } from 'vitest';
import { createCache } from '../../src/cache.js';
import { serialize } from '../../src/codec/index.js';
import { memoryStore } from '../../src/stores/memory-store.js';
import { MapByteStore, manualClock } from './helpers.js';

describe('tags', () => {
  it('drops tagged entries and returns how many keys were dropped', async () => {
    const cache = createCache();
    await cache.set('a', 1, { tags: ['user:1'] });
    await cache.set('b', 2, { tags: ['user:1', 'team:9'] });
    await cache.set('c', 3, { tags: ['team:9'] });
    await cache.set('d', 4);
    expect(await cache.invalidateTags(['user:1'])).toBe(2);
    expect([await cache.get('a'), await cache.get('b'), await cache.get('c')]).toEqual([
      undefined,
      undefined,
      3,
    ]);
    expect(await cache.invalidateTags(['team:9', 'nobody'])).toBe(1);
    expect(await cache.get('d')).toBe(4);
  });

  it('drops them lazily from a tier without a tag index, without counting them twice', async () => {
    const clock = manualClock();
    const memory = memoryStore({ now: clock.now });
    const disk = new MapByteStore('disk', clock.now);
    const cache = createCache({ tiers: [memory, disk], now: clock.now });
    await cache.set('a', 1, { tags: ['t'] });
    expect(await cache.invalidateTags(['t'])).toBe(1);
    expect(disk.map.has('a')).toBe(true);
    expect(await cache.get('a')).toBeUndefined();
    expect(disk.map.has('a')).toBe(false);
  });

  it('keeps a value set again after the invalidation, even on a clock that has not moved', async () => {
    const clock = manualClock();
    const disk = new MapByteStore('disk', clock.now);
    const cache = createCache({ tiers: [memoryStore({ now: clock.now }), disk], now: clock.now });
    await cache.set('a', 1, { tags: ['t'] });
    await cache.invalidateTags(['t']);
    await cache.set('a', 2, { tags: ['t'] });
    expect(cache.getSync('a')).toBe(2);
    // An entry another process wrote before the invalidation is never served.
    disk.set('b', { value: serialize(9), createdAt: clock.now() - 10, tags: ['t'] });
    expect(await cache.get('b')).toBeUndefined();
  });

  it('namespaces tags so caches sharing a tier do not invalidate each other', async () => {
    const shared = new MapByteStore('shared');
    const a = createCache({ tiers: [memoryStore(), shared], namespace: 'a' });
    const b = createCache({ tiers: [memoryStore(), shared], namespace: 'b' });
    await a.set('k', 'from a', { tags: ['t'] });
    await b.set('k', 'from b', { tags: ['t'] });
    expect(await a.invalidateTags(['t'])).toBe(1);
    expect(await a.get('k')).toBeUndefined();
    expect(await b.get('k')).toBe('from b');
    // a's entry in the shared tier was dropped lazily when a read it; b's is untouched.
    expect([...shared.map.keys()]).toEqual(['b:k']);
  });

  it('takes tags computed from the value in wrap', async () => {
    const cache = createCache();
    await cache.wrap('user', () => ({ id: 7 }), { tags: (user) => [`user:${user.id}`] });
    expect(await cache.invalidateTags(['user:7'])).toBe(1);
  });
});
