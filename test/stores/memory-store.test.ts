import { describe, expect, it } from 'vitest';
import { isKeepsakeError } from '../../src/errors.js';
import { MemoryStore, memoryStore } from '../../src/stores/memory-store.js';
import type { StoreEvent } from '../../src/stores/store.js';
import { testStore } from '../../src/testing.js';

testStore('memoryStore()', () => memoryStore());
testStore('memoryStore({ maxBytes })', () => memoryStore({ maxBytes: 64 * 1024 * 1024 }));

describe('memoryStore', () => {
  it('evicts the least recently used entry past max and reports it to watchers', () => {
    const store = memoryStore({ max: 2 });
    const events: StoreEvent[] = [];
    store.watch((event) => events.push(event));
    store.set('a', { value: 1, createdAt: 0 });
    store.set('b', { value: 2, createdAt: 0 });
    store.get('a');
    store.set('c', { value: 3, createdAt: 0 });
    expect(store.get('b')).toBeUndefined();
    expect(store.get('a')?.value).toBe(1);
    expect(events).toEqual([{ type: 'evict', key: 'b', reason: 'capacity' }]);
  });

  it('bounds bytes using the entry size, else an estimate', () => {
    const store = memoryStore({ maxBytes: 1_000 });
    store.set('a', { value: 'x', createdAt: 0, size: 600 });
    store.set('b', { value: 'y', createdAt: 0, size: 600 });
    expect(store.get('a')).toBeUndefined();
    expect(store.usage()).toEqual({ entries: 1, bytes: 600 });
    store.set('big', { value: 'z'.repeat(10_000), createdAt: 0 });
    expect(store.get('big')).toBeUndefined();
    expect(store.get('b')).toBeDefined();
  });

  it('counts a Latin-1 string at a byte per character and a wider one at two', () => {
    const store = memoryStore({ maxBytes: 1_000_000 });
    store.set('ascii', { value: 'a'.repeat(1_000), createdAt: 0 });
    const ascii = store.usage().bytes!;
    store.set('wide', { value: '\u4e2d'.repeat(1_000), createdAt: 0 });
    const wide = store.usage().bytes! - ascii;
    expect(ascii).toBeGreaterThanOrEqual(1_000);
    expect(ascii).toBeLessThan(1_200);
    expect(wide).toBeGreaterThanOrEqual(2_000);
    expect(wide - ascii).toBeGreaterThanOrEqual(1_000);
  });

  it('expires entries at their deadline on an injected clock', () => {
    let now = 1_000_000;
    const store = memoryStore({ now: () => now });
    store.set('k', { value: 1, createdAt: now, expiresAt: now + 100, staleUntil: now + 200 });
    now += 150;
    expect(store.get('k')?.value).toBe(1);
    now += 51;
    expect(store.get('k')).toBeUndefined();
  });

  it('does not index tags of an entry too large to store', () => {
    const store = memoryStore({ maxBytes: 100 });
    store.set('k', { value: 1, createdAt: 0, size: 500, tags: ['t'] });
    expect(store.invalidateTags(['t'])).toEqual([]);
  });

  it('returns the very object it was given', () => {
    const store = new MemoryStore();
    const value = { deep: { list: [1, 2, 3] } };
    store.set('k', { value, createdAt: 0 });
    expect(store.get('k')?.value).toBe(value);
  });

  it('rejects bad bounds with ERR_OPTIONS and throws ERR_CLOSED after close', () => {
    for (const options of [{ max: 0 }, { max: 1.5 }, { maxBytes: -1 }]) {
      expect(() => memoryStore(options)).toThrow(expect.objectContaining({ code: 'ERR_OPTIONS' }));
    }
    const store = memoryStore();
    store.close();
    try {
      store.get('k');
      expect.unreachable();
    } catch (error) {
      expect(isKeepsakeError(error, 'ERR_CLOSED')).toBe(true);
    }
  });
});
