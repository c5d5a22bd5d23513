import diagnostics from 'node:diagnostics_channel';
import { afterEach, describe, expect, it } from 'vitest';
import { createCache } from '../../src/cache.js';
import { memoryStore } from '../../src/stores/memory-store.js';
import { HangingStore, ThrowingStore } from './helpers.js';

const seen: Array<{ tier?: string; op: string; error: unknown }> = [];
const listen = (msg: unknown) => seen.push(msg as (typeof seen)[number]);

describe('a failing tier never fails the caller', () => {
  afterEach(() => {
    diagnostics.unsubscribe('keepsake:error', listen);
    seen.length = 0;
  });

  it('computes through a tier that throws on every call, counting and publishing', async () => {
    diagnostics.subscribe('keepsake:error', listen);
    const cache = createCache({ tiers: [memoryStore(), new ThrowingStore()] });
    expect(await cache.wrap('k', () => 'computed')).toBe('computed');
    expect(await cache.get('k')).toBe('computed');
    await cache.set('k2', 2);
    expect(await cache.delete('k2')).toBe(true);
    await cache.clear();
    const stats = cache.stats();
    expect(stats.tiers[1]?.errors).toBe(stats.errors);
    expect(stats.errors).toBeGreaterThanOrEqual(5);
    expect(seen.map((m) => m.op)).toEqual(expect.arrayContaining(['get', 'set', 'delete']));
    expect(seen.every((m) => m.tier === 'broken')).toBe(true);
  });

  it('keeps the sync path working over a sync tier that throws', () => {
    const cache = createCache({ tiers: [memoryStore(), new ThrowingStore(true)] });
    expect(cache.wrapSync('k', () => 1)).toBe(1);
    expect(cache.getSync('k')).toBe(1);
    expect(cache.getSync('missing')).toBeUndefined();
    // read k, write k, read missing: three failures, none thrown.
    expect(cache.stats().errors).toBe(3);
  });

  it('answers within readTimeout when a tier hangs, and counts ERR_TIMEOUT', async () => {
    diagnostics.subscribe('keepsake:error', listen);
    const hanging = new HangingStore();
    const cache = createCache({
      tiers: [memoryStore(), hanging],
      readTimeout: 20,
      writeTimeout: 20,
    });
    expect(await cache.get('k')).toBeUndefined();
    expect(await cache.wrap('k2', () => 'computed')).toBe('computed');
    await cache.set('k3', 3);
    expect(await cache.get('k3')).toBe(3);
    await cache.close();
    const stats = cache.stats();
    expect(stats.tiers[1]?.errors).toBeGreaterThanOrEqual(3);
    expect(stats.misses).toBe(2);
    expect(seen.some((m) => (m.error as { code?: string }).code === 'ERR_TIMEOUT')).toBe(true);
  });

  it('counts a store that says sync but returns promises, without waiting for it', () => {
    const liar = new HangingStore();
    Object.defineProperty(liar, 'sync', { value: true });
    const cache = createCache({ tiers: [memoryStore(), liar] });
    expect(cache.wrapSync('k', () => 'v')).toBe('v');
    expect(cache.stats().tiers[1]?.errors).toBe(2);
  });

  it('still serves from memory when the memory tier is bypassed by a throwing front tier', async () => {
    const cache = createCache({ tiers: [new ThrowingStore(), memoryStore()] });
    expect(await cache.wrap('k', () => 'v')).toBe('v');
    expect(await cache.get('k')).toBe('v');
    expect(cache.stats().tiers[1]?.hits).toBe(1);
  });
});
