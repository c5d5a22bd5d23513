import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createCache } from '../../src/cache.js';
import { diskStore } from '../../src/stores/disk-store.js';
import { memoryStore } from '../../src/stores/memory-store.js';
import { HangingStore } from './helpers.js';

const dirs: string[] = [];
afterEach(() => {
  vi.useRealTimers();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('Cache.clear', () => {
  it("empties every tier of this cache's namespace and leaves the others' keys", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'keepsake-clear-'));
    dirs.push(dir);
    const memory = memoryStore();
    const disk = diskStore({ dir });
    const a = createCache({ tiers: [memory, disk], namespace: 'a' });
    const b = createCache({ tiers: [memory, disk], namespace: 'b' });
    await a.set('k', 'from a');
    await a.set('k2', 'from a too');
    await b.set('k', 'from b');
    await a.clear();
    expect(await a.get('k')).toBeUndefined();
    expect(await a.get('k2')).toBeUndefined();
    expect(await b.get('k')).toBe('from b');
    expect(memory.usage().entries).toBe(1);
    expect(disk.usage().entries).toBe(1);
    disk.close();
  });
});

describe('readTimeout', () => {
  it('defaults to 250 ms: a hanging tier is given up on then, not before', async () => {
    vi.useFakeTimers();
    const cache = createCache({ tiers: [memoryStore(), new HangingStore()] });
    let settled = false;
    const read = cache.get('k').then((value) => {
      settled = true;
      return value;
    });
    await vi.advanceTimersByTimeAsync(249);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(settled).toBe(true);
    expect(await read).toBeUndefined();
    expect(cache.stats().tiers[1]!.errors).toBe(1);
  });
});
