import { describe, expect, it } from 'vitest';
import { generationalStore } from '../../src/index.js';
import { testStore } from '../../src/testing.js';

testStore('generationalStore', () => generationalStore());

describe('generationalStore', () => {
  it('keeps at most max entries and keeps what was used recently', () => {
    const store = generationalStore({ max: 10 });
    const entry = (n: number) => ({ value: n, createdAt: 0 });
    for (let i = 0; i < 100; i++) {
      store.set(`k${i}`, entry(i));
      store.get('hot');
      if (i === 0) store.set('hot', entry(-1));
      expect(store.usage().entries).toBeLessThanOrEqual(10);
    }
    expect(store.get('hot')?.value).toBe(-1);
    expect(store.get('k0')).toBeUndefined();
    expect(store.get('k99')?.value).toBe(99);
  });

  it('reports evictions to watchers', () => {
    const store = generationalStore({ max: 4 });
    const evicted: string[] = [];
    store.watch((e) => {
      if (e.type === 'evict') evicted.push(e.key);
    });
    for (let i = 0; i < 8; i++) store.set(`k${i}`, { value: i, createdAt: 0 });
    // Generations of 2: each time the young one fills, the old pair goes.
    expect(evicted).toEqual(['k0', 'k1', 'k2', 'k3', 'k4', 'k5']);
    expect(store.usage().entries).toBe(2);
  });

  it('honours deadlines with the injected clock', () => {
    let now = 1000;
    const store = generationalStore({ now: () => now });
    store.set('k', { value: 1, createdAt: now, expiresAt: now + 10 });
    expect(store.get('k')?.value).toBe(1);
    now += 10;
    expect(store.get('k')).toBeUndefined();
  });

  it('bad options are ERR_OPTIONS', () => {
    expect(() => generationalStore({ max: 1 })).toThrowError(
      expect.objectContaining({ code: 'ERR_OPTIONS' }),
    );
  });

  it("isFresh reads the store's own clock: fresh before expiresAt, not in the stale window", () => {
    let t = 1_000;
    const store = generationalStore({ now: () => t });
    const entry = { value: 1, createdAt: t, expiresAt: t + 100, staleUntil: t + 200 };
    store.set('k', entry);
    expect(store.young.get('k')).toBe(entry);
    expect(store.isFresh(entry)).toBe(true);
    t += 150;
    expect(store.isFresh(entry)).toBe(false);
    expect(store.get('k')).toBe(entry); // still held: it is in its stale window
    t += 100;
    expect(store.get('k')).toBeUndefined();
  });
});
