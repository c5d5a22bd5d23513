import { describe, expect, it } from 'vitest';
import { isKeepsakeError } from '../../../src/errors.js';
import { diskStore } from '../../../src/stores/disk-store.js';
import { useTmp } from './helpers/tmp.js';

const tmp = useTmp();
const b = (n: number, fill = 1) => new Uint8Array(n).fill(fill);

describe('diskStore API extras', () => {
  it('usage() counts the whole folder, every instance (process) sharing it', () => {
    const dir = tmp();
    const a = diskStore({ dir });
    const c = diskStore({ dir });
    a.set('x', { value: b(100), createdAt: 0 });
    c.set('y', { value: b(200_000), createdAt: 0 });
    expect(a.usage()).toEqual({ entries: 2, bytes: 200_100 });
    c.delete('x');
    expect(a.usage()).toEqual({ entries: 1, bytes: 200_000 });
    a.close();
    c.close();
  });

  it('clear(prefix) removes only that namespace, long (hashed) keys included', () => {
    const store = diskStore({ dir: tmp() });
    const long = `ns1:${'x'.repeat(3_000)}`;
    for (const key of ['ns1:a', 'ns1:b', long, 'ns10:a', 'ns2:a', `ns2:${'y'.repeat(3_000)}`]) {
      store.set(key, { value: b(10), createdAt: 0 });
    }
    store.clear('ns1:');
    expect(store.get('ns1:a')).toBeUndefined();
    expect(store.get(long)).toBeUndefined();
    expect(store.get('ns10:a')).toBeDefined();
    expect(store.get(`ns2:${'y'.repeat(3_000)}`)).toBeDefined();
    expect(store.usage().entries).toBe(3);
    store.clear();
    expect(store.usage()).toEqual({ entries: 0, bytes: 0 });
    store.close();
  });

  it('invalidateTags() removes tagged entries (long tags too) and their files', () => {
    const store = diskStore({ dir: tmp() });
    const longTag = `t:${'z'.repeat(2_000)}`;
    store.set('a', { value: b(10), createdAt: 0, tags: ['t1', longTag] });
    store.set('big', { value: b(100_000), createdAt: 0, tags: [longTag] });
    store.set('c', { value: b(10), createdAt: 0, tags: ['t2'] });
    expect(store.invalidateTags([longTag]).sort()).toEqual(['a', 'big']);
    expect(store.get('c')).toBeDefined();
    expect(store.usage()).toEqual({ entries: 1, bytes: 10 });
    store.close();
  });

  it('setMany() writes in bulk with the same result as set()', () => {
    const store = diskStore({ dir: tmp() });
    store.setMany(
      Array.from(
        { length: 25_000 },
        (_, i) => [`k${i}`, { value: b(8, i & 0xff), createdAt: i }] as const,
      ),
    );
    expect(store.usage().entries).toBe(25_000);
    expect(store.get('k24999')?.createdAt).toBe(24_999);
    expect((store.get('k300')!.value as Uint8Array)[0]).toBe(300 & 0xff);
    store.close();
  });

  it('throws ERR_CLOSED after close(); close twice is fine; watchers can unsubscribe', () => {
    const store = diskStore({ dir: tmp() });
    const stop = store.watch(() => {});
    stop();
    store.close();
    store.close();
    for (const op of [() => store.get('k'), () => store.set('k', { value: b(1), createdAt: 0 })]) {
      try {
        op();
        expect.unreachable();
      } catch (error) {
        expect(isKeepsakeError(error, 'ERR_CLOSED')).toBe(true);
      }
    }
    expect(store.usage()).toEqual({});
  });

  it('refuses non-byte values with ERR_STORE', () => {
    const store = diskStore({ dir: tmp() });
    try {
      store.set('k', { value: { not: 'bytes' }, createdAt: 0 });
      expect.unreachable();
    } catch (error) {
      expect(isKeepsakeError(error, 'ERR_STORE')).toBe(true);
    }
    store.close();
  });
});
