import { describe, expect, it } from 'vitest';
import { createCache } from '../../src/cache.js';
import { memoryStore } from '../../src/stores/memory-store.js';
import { AsyncByteStore, MapByteStore, manualClock } from './helpers.js';

describe('promotion across tiers', () => {
  it('promotes a lower-tier hit into the tiers above with its remaining TTL', async () => {
    const clock = manualClock();
    const memory = memoryStore({ now: clock.now });
    const disk = new MapByteStore('disk', clock.now);
    const cache = createCache({ tiers: [memory, disk], ttl: 1_000, now: clock.now });
    await cache.set('k', { n: 1 });
    const expiresAt = clock.now() + 1_000;
    memory.clear();
    clock.advance(400);

    expect(await cache.get('k')).toEqual({ n: 1 });
    const promoted = memory.get('k');
    expect(promoted?.expiresAt).toBe(expiresAt);
    expect(promoted?.value).toEqual({ n: 1 });
    expect(cache.stats().tiers.map((t) => t.hits)).toEqual([0, 1]);

    // Served from memory now, as the same object every time, until the original deadline.
    expect(cache.getSync('k')).toBe(promoted?.value);
    clock.advance(599);
    expect(cache.getSync('k')).toEqual({ n: 1 });
    clock.advance(1);
    expect(cache.getSync('k')).toBeUndefined();
    expect(memory.get('k')).toBeUndefined();
  });

  it('encodes once per set and shares the bytes across byte tiers', async () => {
    const near = new MapByteStore('near');
    const far = new AsyncByteStore('far');
    const cache = createCache({ tiers: [memoryStore(), near, far] });
    const value = { when: new Date(0), tags: new Set(['a']), big: 10n };
    await cache.set('k', value);
    expect(near.written).toHaveLength(1);
    expect(far.inner.written).toHaveLength(1);
    expect(near.written[0]).toBe(far.inner.written[0]);
    expect(near.map.get('k')?.size).toBe(near.written[0]!.byteLength);
    await cache.close();
  });

  it('decodes a far hit and promotes the same bytes without re-encoding', async () => {
    const memory = memoryStore();
    const near = new MapByteStore('near');
    const far = new AsyncByteStore('far');
    const cache = createCache({ tiers: [memory, near, far] });
    await cache.set('k', new Map([[1, { deep: [1, 2] }]]));
    const bytes = far.inner.written[0];
    memory.clear();
    near.clear();

    const got = await cache.get<Map<number, unknown>>('k');
    expect(got).toEqual(new Map([[1, { deep: [1, 2] }]]));
    expect(near.written.at(-1)).toBe(bytes);
    expect(memory.get('k')?.value).toBe(got);
    expect(cache.stats().tiers.map((t) => [t.name, t.hits, t.misses, t.sets])).toEqual([
      ['memory', 0, 1, 2],
      ['near', 0, 1, 2],
      ['far', 1, 0, 1],
    ]);
    await cache.close();
  });

  it('counts an undecodable entry as an error and a miss, and removes it', async () => {
    const memory = memoryStore();
    const disk = new MapByteStore('disk');
    const cache = createCache({ tiers: [memory, disk] });
    disk.set('k', { value: new Uint8Array([1, 2, 3, 4]), createdAt: Date.now() });
    expect(await cache.get('k')).toBeUndefined();
    expect(disk.map.has('k')).toBe(false);
    expect(cache.stats().errors).toBe(1);
    expect(cache.stats().tiers[1]?.errors).toBe(1);
  });
});
