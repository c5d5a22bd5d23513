import diagnostics from 'node:diagnostics_channel';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createCache } from '../../src/cache.js';
import { memoize } from '../../src/memoize.js';
import { memoryStore } from '../../src/stores/memory-store.js';

type Message = { cache?: string; tier?: string; key?: unknown; tiers?: string[] };
const NAMES = ['hit', 'miss', 'set', 'evict'] as const;
const seen: Array<{ name: string; msg: Message }> = [];
const listeners = NAMES.map((name) => {
  const listener = (msg: unknown) => seen.push({ name, msg: msg as Message });
  return { name: `keepsake:${name}`, listener };
});

function listen(): void {
  for (const { name, listener } of listeners) diagnostics.subscribe(name, listener);
}

afterEach(() => {
  for (const { name, listener } of listeners) diagnostics.unsubscribe(name, listener);
  seen.length = 0;
});

describe('keepsake:* channels', () => {
  it('a cache publishes miss, set, hit and evict with its name, tier and namespaced key', async () => {
    listen();
    const cache = createCache({
      tiers: [memoryStore({ max: 1, name: 'front' })],
      namespace: 'app',
    });
    expect(await cache.get('a')).toBeUndefined();
    await cache.set('a', 1);
    expect(await cache.get('a')).toBe(1);
    await cache.set('b', 2); // max 1: 'a' goes
    expect(seen).toEqual([
      { name: 'miss', msg: expect.objectContaining({ cache: 'app', key: 'app:a' }) },
      {
        name: 'set',
        msg: expect.objectContaining({ cache: 'app', key: 'app:a', tiers: ['front'] }),
      },
      { name: 'hit', msg: expect.objectContaining({ cache: 'app', tier: 'front', key: 'app:a' }) },
      { name: 'evict', msg: expect.objectContaining({ cache: 'app', tier: 'front' }) },
      { name: 'set', msg: expect.objectContaining({ cache: 'app', key: 'app:b' }) },
    ]);
  });

  it('memoize publishes its hits too, including the ones it serves before the cache', () => {
    const double = memoize((n: number) => n * 2, { name: 'double' });
    const total = memoize(function total(o: { n: number }) {
      return o.n + 1;
    });
    double(4);
    total({ n: 1 });
    listen();
    expect(double(4)).toBe(8); // a primitive argument: the inlined hot path
    expect(total({ n: 1 })).toBe(2); // an object argument: a fingerprint key
    const hits = seen.filter((s) => s.name === 'hit');
    expect(hits).toHaveLength(2);
    expect(hits[0]!.msg).toMatchObject({ cache: 'double', key: 4 });
    expect(hits[1]!.msg).toMatchObject({ cache: 'total', tier: 'memory' });
    expect(double.stats().hits).toBe(1);
  });

  it('costs nothing when nobody listens: nothing is published at all', () => {
    const publish = vi.spyOn(diagnostics.channel('keepsake:hit'), 'publish');
    try {
      const double = memoize((n: number) => n * 2);
      double(1);
      expect(double(1)).toBe(2);
      expect(publish).not.toHaveBeenCalled();
    } finally {
      publish.mockRestore();
    }
  });

  it("a cache's name labels its events without changing its keys", async () => {
    listen();
    const cache = createCache({ name: 'sessions' });
    await cache.set('k', 1);
    expect(seen[0]).toEqual({
      name: 'set',
      msg: expect.objectContaining({ cache: 'sessions', key: 'k' }),
    });
    expect(() => createCache({ name: '' })).toThrow(
      expect.objectContaining({ code: 'ERR_OPTIONS' }),
    );
  });
});
