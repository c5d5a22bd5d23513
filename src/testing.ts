import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store, StoreEntry } from './stores/store.js';

/**
 * The store conformance suite (`keepsake/testing`): the checks every {@link Store} passes —
 * memory, disk, Redis, and any store a user writes. Call it at the top level of a vitest test
 * file. Each test gets a fresh store from `makeStore`, cleared first and closed after.
 *
 * Covers: the declared shape; get/set/delete/has; metadata round trip; overwrite; expiry by
 * absolute time (`expiresAt` and the stale window up to `staleUntil`); `clear` with and without
 * a prefix; awkward keys; large values; many keys; concurrent operations; that a sync store never
 * returns a promise; and, when the store has them, tags, leases, `watch`, `usage`, `close`.
 *
 * @example
 * ```ts
 * // test/my-store.test.ts
 * import { testStore } from 'keepsake/testing';
 * import { MyStore } from '../src/my-store.js';
 *
 * testStore('MyStore', () => new MyStore({ dir: tmpDir() }));
 * ```
 */
export function testStore(name: string, makeStore: () => Store | Promise<Store>): void {
  describe(`store conformance: ${name}`, () => {
    let store: Store;
    let run = 0;
    /** A key unique to the running test, so shared backends never see leftovers. */
    const key = (suffix: string) => `ks-test:${run}:${suffix}`;

    beforeEach(async () => {
      run++;
      store = await makeStore();
      await call(store, store.clear());
    });
    afterEach(async () => {
      await store.close?.();
    });

    /** A value of the store's kind: a live object, or bytes. */
    const sample = (seed: number, size = 16): unknown =>
      store.kind === 'bytes'
        ? new Uint8Array(size).map((_, i) => (i * 31 + seed) & 0xff)
        : { seed, list: Array.from({ length: size }, (_, i) => i + seed) };
    const entry = (value: unknown, extra: Partial<StoreEntry> = {}): StoreEntry => ({
      value,
      createdAt: Date.now(),
      ...extra,
    });
    /** Same value as stored: the very object for value stores, equal bytes for byte stores. */
    const expectSameValue = (got: unknown, want: unknown) => {
      if (store.kind === 'value') expect(got).toBe(want);
      else {
        expect(got).toBeInstanceOf(Uint8Array);
        expect(Buffer.from(got as Uint8Array).equals(Buffer.from(want as Uint8Array))).toBe(true);
      }
    };
    const get = (k: string) => call(store, store.get(k));
    const set = (k: string, e: StoreEntry) => call(store, store.set(k, e));

    it('declares its name, kind and sync flag', () => {
      expect(typeof store.name).toBe('string');
      expect(['value', 'bytes']).toContain(store.kind);
      expect(typeof store.sync).toBe('boolean');
    });

    it('returns undefined for a missing key', async () => {
      expect(await get(key('missing'))).toBeUndefined();
    });

    it('gets what was set, metadata included', async () => {
      const now = Date.now();
      const value = sample(1);
      const stored = entry(value, {
        createdAt: now - 5,
        expiresAt: now + 60_000,
        staleUntil: now + 120_000,
        tags: ['a', 'b'],
        size: 16,
      });
      await set(key('k'), stored);
      const got = await get(key('k'));
      expect(got).toBeDefined();
      expectSameValue(got!.value, value);
      expect(got!.createdAt).toBe(now - 5);
      expect(got!.expiresAt).toBe(now + 60_000);
      expect(got!.staleUntil).toBe(now + 120_000);
      expect([...(got!.tags ?? [])].sort()).toEqual(['a', 'b']);
      expect(got!.size).toBe(16);
    });

    it('keeps entries with no expiry and no tags', async () => {
      await set(key('plain'), entry(sample(2)));
      const got = await get(key('plain'));
      expect(got?.expiresAt ?? undefined).toBeUndefined();
      expect(got?.staleUntil ?? undefined).toBeUndefined();
      expect(got?.tags ?? []).toEqual([]);
    });

    it('overwrites an entry and its metadata', async () => {
      await set(key('k'), entry(sample(1), { tags: ['old'] }));
      const second = sample(2);
      await set(key('k'), entry(second, { tags: ['new'] }));
      const got = await get(key('k'));
      expectSameValue(got!.value, second);
      expect(got!.tags).toEqual(['new']);
    });

    it('deletes, reporting whether the key existed', async () => {
      await set(key('k'), entry(sample(1)));
      expect(await call(store, store.delete(key('k')))).toBe(true);
      expect(await get(key('k'))).toBeUndefined();
      expect(await call(store, store.delete(key('k')))).toBe(false);
    });

    it('answers has() when it has one', async () => {
      if (store.has === undefined) return;
      await set(key('k'), entry(sample(1)));
      expect(await call(store, store.has(key('k')))).toBe(true);
      expect(await call(store, store.has(key('nope')))).toBe(false);
      await set(key('old'), entry(sample(1), { expiresAt: Date.now() - 1 }));
      expect(await call(store, store.has(key('old')))).toBe(false);
    });

    it('never returns an entry past expiresAt when it has no stale window', async () => {
      await set(key('old'), entry(sample(1), { expiresAt: Date.now() - 1_000 }));
      expect(await get(key('old'))).toBeUndefined();
    });

    it('keeps an expired entry until staleUntil, then drops it', async () => {
      const now = Date.now();
      const value = sample(3);
      await set(key('stale'), entry(value, { expiresAt: now - 1_000, staleUntil: now + 60_000 }));
      const got = await get(key('stale'));
      expect(got).toBeDefined();
      expectSameValue(got!.value, value);
      await set(key('dead'), entry(value, { expiresAt: now - 2_000, staleUntil: now - 1_000 }));
      expect(await get(key('dead'))).toBeUndefined();
    });

    it('keeps an entry whose expiresAt is in the future', async () => {
      await set(key('fresh'), entry(sample(4), { expiresAt: Date.now() + 60_000 }));
      expect(await get(key('fresh'))).toBeDefined();
    });

    it('clears everything, or only the keys under a prefix', async () => {
      await set(key('a:1'), entry(sample(1)));
      await set(key('a:2'), entry(sample(2)));
      await set(key('b:1'), entry(sample(3)));
      await call(store, store.clear(key('a:')));
      expect(await get(key('a:1'))).toBeUndefined();
      expect(await get(key('a:2'))).toBeUndefined();
      expect(await get(key('b:1'))).toBeDefined();
      await call(store, store.clear());
      expect(await get(key('b:1'))).toBeUndefined();
    });

    it('takes awkward keys as opaque strings', async () => {
      const keys = ['with space', 'slash/and\\back', 'colon:x', 'ünïcødé 🗝', 'x'.repeat(500), '.'];
      const values = keys.map((_, i) => sample(i));
      for (const [i, k] of keys.entries()) await set(key(k), entry(values[i]));
      for (const [i, k] of keys.entries()) expectSameValue((await get(key(k)))?.value, values[i]);
    });

    it('stores a large value', async () => {
      const big = store.kind === 'bytes' ? sample(7, 8 * 1024 * 1024) : sample(7, 200_000);
      await set(key('big'), entry(big));
      expectSameValue((await get(key('big')))!.value, big);
    });

    it('holds a thousand keys', async () => {
      const values = Array.from({ length: 1_000 }, (_, i) => sample(i, 8));
      for (const [i, v] of values.entries()) await set(key(`many:${i}`), entry(v));
      for (const [i, v] of values.entries())
        expectSameValue((await get(key(`many:${i}`)))?.value, v);
    });

    it('survives concurrent operations', async () => {
      const values = Array.from({ length: 100 }, (_, i) => sample(i, 8));
      await Promise.all(values.map((v, i) => set(key(`c:${i}`), entry(v))));
      // Concurrent writes to one key: the last state is one of the values written, whole.
      await Promise.all(values.map((v) => set(key('same'), entry(v))));
      const reads = await Promise.all(values.map((_, i) => get(key(`c:${i}`))));
      for (const [i, got] of reads.entries()) expectSameValue(got?.value, values[i]);
      const same = (await get(key('same')))!.value;
      expect(values.some((v) => sameValue(store, same, v))).toBe(true);
      await Promise.all([
        ...values.map((_, i) => call(store, store.delete(key(`c:${i}`)))),
        ...values.map((_, i) => get(key(`c:${i}`))),
      ]);
      for (let i = 0; i < values.length; i++) expect(await get(key(`c:${i}`))).toBeUndefined();
    });

    it('invalidates tags when it has a tag index', async () => {
      if (store.invalidateTags === undefined) return;
      const invalidate = (tags: string[]) => call(store, store.invalidateTags!(tags));
      await set(key('a'), entry(sample(1), { tags: [key('t1')] }));
      await set(key('b'), entry(sample(2), { tags: [key('t1'), key('t2')] }));
      await set(key('c'), entry(sample(3), { tags: [key('t2')] }));
      await set(key('d'), entry(sample(4)));
      expect((await invalidate([key('t1')])).sort()).toEqual([key('a'), key('b')]);
      expect(await get(key('a'))).toBeUndefined();
      expect(await get(key('b'))).toBeUndefined();
      expect(await get(key('c'))).toBeDefined();
      expect(await get(key('d'))).toBeDefined();
      expect(await invalidate([key('t2'), key('nothing')])).toEqual([key('c')]);
      // An overwrite drops the old tags.
      await set(key('e'), entry(sample(5), { tags: [key('t3')] }));
      await set(key('e'), entry(sample(6), { tags: [key('t4')] }));
      expect(await invalidate([key('t3')])).toEqual([]);
      expect(await get(key('e'))).toBeDefined();
      await call(store, store.delete(key('e')));
      expect(await invalidate([key('t4')])).toEqual([]);
    });

    it('hands out one lease per key when it has leases', async () => {
      if (store.acquire === undefined || store.release === undefined) return;
      const acquire = (k: string) => call(store, store.acquire!(k, 10_000));
      const token = await acquire(key('lease'));
      expect(typeof token).toBe('string');
      expect(await acquire(key('lease'))).toBeUndefined();
      expect(typeof (await acquire(key('other')))).toBe('string');
      await call(store, store.release(key('lease'), 'not-the-token'));
      expect(await acquire(key('lease'))).toBeUndefined();
      await call(store, store.release(key('lease'), token!));
      expect(typeof (await acquire(key('lease')))).toBe('string');
    });

    it('lets a watcher unsubscribe, and reports usage', () => {
      if (store.watch !== undefined) {
        const stop = store.watch(() => {});
        expect(typeof stop).toBe('function');
        stop();
      }
      if (store.usage !== undefined) {
        const usage = store.usage();
        for (const n of [usage.entries, usage.bytes]) {
          if (n !== undefined) expect(n).toBeGreaterThanOrEqual(0);
        }
      }
    });

    it('closes, and closing twice is fine', async () => {
      await set(key('k'), entry(sample(1)));
      await store.close?.();
      await store.close?.();
    });
  });
}

/** Awaits a store result, checking that a sync store did not return a promise. */
async function call<T>(store: Store, result: T | Promise<T>): Promise<T> {
  if (store.sync && typeof (result as { then?: unknown } | undefined)?.then === 'function') {
    throw new Error(`store "${store.name}" declares sync: true but returned a promise`);
  }
  return result;
}

function sameValue(store: Store, a: unknown, b: unknown): boolean {
  if (store.kind === 'value') return a === b;
  return Buffer.from(a as Uint8Array).equals(Buffer.from(b as Uint8Array));
}
