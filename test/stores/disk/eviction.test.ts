import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_MAX_BYTES } from '../../../src/stores/disk/resolve-disk-options.js';
import { diskStore } from '../../../src/stores/disk-store.js';
import type { StoreEvent } from '../../../src/stores/store.js';
import { useTmp } from './helpers/tmp.js';

const tmp = useTmp();
const kb = (n: number, seed = 0) => new Uint8Array(n * 1024).fill(seed);

describe('diskStore size bound', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  // With fewer entries than one eviction window (256) the approximate LRU is exact.
  it('evicts the least recently used entries past maxBytes, down to 90%, and tells watchers', () => {
    let now = 1_000_000;
    const store = diskStore({ dir: tmp(), maxBytes: 100 * 1024, now: () => now });
    const events: StoreEvent[] = [];
    store.watch((e) => events.push(e));
    for (let i = 0; i < 10; i++) {
      store.set(`k${i}`, { value: kb(10, i), createdAt: now });
      now += 120_000; // past the one-minute LRU resolution, so reads below count
    }
    expect(store.usage()).toEqual({ entries: 10, bytes: 100 * 1024 });
    store.get('k0'); // k0 is now the most recently used
    store.set('k10', { value: kb(10, 10), createdAt: now });
    // 110 KiB > 100 KiB: evict down to 90 KiB, oldest first, sparing the freshly read k0.
    expect(store.get('k0')).toBeDefined();
    expect(store.get('k1')).toBeUndefined();
    expect(store.get('k2')).toBeUndefined();
    expect(store.get('k3')).toBeDefined();
    expect(store.usage().bytes).toBeLessThanOrEqual(90 * 1024);
    expect(events).toEqual([
      { type: 'evict', key: 'k1', reason: 'capacity' },
      { type: 'evict', key: 'k2', reason: 'capacity' },
    ]);
    store.close();
  });

  it('a write evicts at most one bounded batch; the backlog goes with later writes', () => {
    const dir = tmp();
    const store = diskStore({ dir, maxBytes: 1024 * 1024 * 1024 });
    const many = Array.from(
      { length: 2_000 },
      (_, i) => [`s${i}`, { value: kb(1), createdAt: 0 }] as const,
    );
    store.setMany(many);
    store.close();
    // Reopen with a far smaller bound: 2,000 entries must go, but one write removes <= 256.
    const tight = diskStore({ dir, maxBytes: 10 * 1024 });
    const events: StoreEvent[] = [];
    tight.watch((e) => events.push(e));
    tight.set('new', { value: kb(1), createdAt: 0 });
    const first = events.length;
    expect(first).toBeGreaterThan(200);
    expect(first).toBeLessThanOrEqual(256);
    tight.set('new2', { value: kb(1), createdAt: 0 });
    expect(events.length - first).toBeGreaterThan(200);
    expect(events.length - first).toBeLessThanOrEqual(256);
    // prune() finishes the job at once.
    tight.prune();
    expect(tight.usage().bytes).toBeLessThanOrEqual(10 * 1024);
    expect(tight.get('new2')).toBeDefined();
    tight.close();
  });

  it('does not keep a value larger than the whole bound, nor the older value under its key', () => {
    const store = diskStore({ dir: tmp(), maxBytes: 50 * 1024 });
    store.set('k', { value: kb(1), createdAt: 0 });
    store.set('k', { value: kb(60), createdAt: 0 });
    expect(store.get('k')).toBeUndefined();
    store.close();
  });

  it('defaults to 1 GiB, and warns once (KEEPSAKE_DISK_UNBOUNDED) for maxBytes: Infinity', () => {
    expect(DEFAULT_MAX_BYTES).toBe(1024 ** 3);
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    diskStore({ dir: tmp() }).close();
    expect(warn).not.toHaveBeenCalled();
    diskStore({ dir: tmp(), maxBytes: Number.POSITIVE_INFINITY }).close();
    diskStore({ dir: tmp(), maxBytes: Number.POSITIVE_INFINITY }).close();
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![1]).toEqual({ code: 'KEEPSAKE_DISK_UNBOUNDED' });
  });
});
