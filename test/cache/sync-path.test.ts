import { describe, expect, it } from 'vitest';
import { createCache } from '../../src/cache.js';
import { memoryStore } from '../../src/stores/memory-store.js';
import { AsyncByteStore, MapByteStore } from './helpers.js';

describe('the sync path', () => {
  it('gets, sets and wraps without promises when every tier is sync', () => {
    const disk = new MapByteStore('disk');
    const cache = createCache({ tiers: [memoryStore(), disk], namespace: 'fn' });
    expect(cache.sync).toBe(true);
    let calls = 0;
    const value = cache.wrapSync('k', () => ({ n: ++calls }));
    expect(value).toEqual({ n: 1 });
    expect(cache.wrapSync('k', () => ({ n: ++calls }))).toBe(value);
    expect(calls).toBe(1);
    expect(disk.map.has('fn:k')).toBe(true);
    cache.setSync('s', 'x', { ttl: 1_000 });
    expect(cache.getSync('s')).toBe('x');
  });

  it('reads a sync lower tier synchronously and promotes the hit', () => {
    const memory = memoryStore();
    const disk = new MapByteStore('disk');
    const cache = createCache({ tiers: [memory, disk] });
    cache.setSync('k', [1, 2, 3]);
    memory.clear();
    expect(cache.getSync('k')).toEqual([1, 2, 3]);
    expect(memory.get('k')?.value).toEqual([1, 2, 3]);
  });

  it('peeks into the sync tiers of any cache without awaiting or computing', async () => {
    const cache = createCache({ tiers: [memoryStore(), new AsyncByteStore()] });
    expect(cache.peek('k')).toBeUndefined();
    await cache.set('k', 'v');
    expect(cache.peek('k')).toBe('v');
  });
});
