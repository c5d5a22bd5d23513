import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { diskStore } from '../../../src/stores/disk-store.js';
import type { StoreEvent } from '../../../src/stores/store.js';
import { useTmp } from './helpers/tmp.js';

const tmp = useTmp();
const bytes = (n: number) => new Uint8Array(n).fill(7);

function blobNames(dir: string): string[] {
  const root = path.join(dir, 'blobs');
  if (!fs.existsSync(root)) return [];
  return fs
    .readdirSync(root)
    .flatMap((s) => fs.readdirSync(path.join(root, s)).map((f) => `${s}/${f}`));
}

describe('diskStore TTL and cleanup', () => {
  it('honours expiresAt and staleUntil on read, on an injected clock', () => {
    let now = 5_000_000;
    const store = diskStore({ dir: tmp(), now: () => now });
    store.set('fresh', { value: bytes(10), createdAt: now, expiresAt: now + 100 });
    store.set('swr', {
      value: bytes(10),
      createdAt: now,
      expiresAt: now + 100,
      staleUntil: now + 200,
    });
    now += 150;
    expect(store.get('fresh')).toBeUndefined();
    expect(store.has('fresh')).toBe(false);
    expect(store.get('swr')?.expiresAt).toBe(now - 50); // stale, still served
    now += 50;
    expect(store.get('swr')).toBeUndefined(); // at staleUntil: gone
    store.close();
  });

  it('removes expired entries and their files: prune() at once, writes a batch at a time', () => {
    let now = 5_000_000;
    const dir = tmp();
    const store = diskStore({ dir, now: () => now });
    const events: StoreEvent[] = [];
    store.watch((e) => events.push(e));
    for (let i = 0; i < 5; i++) {
      store.set(`big${i}`, { value: bytes(100_000), createdAt: now, expiresAt: now + 10 });
    }
    store.set('keeps', { value: bytes(10), createdAt: now });
    expect(blobNames(dir).length).toBe(5);
    now += 11;
    expect(store.prune()).toMatchObject({ expired: 5 });
    expect(blobNames(dir)).toEqual([]);
    expect(store.usage()).toEqual({ entries: 1, bytes: 10 });
    expect(events.filter((e) => e.type === 'evict' && e.reason === 'expire').length).toBe(5);
    // Without prune: a later write sweeps what expired (one batch).
    store.set('gone', { value: bytes(10), createdAt: now, expiresAt: now + 10 });
    now += 60_000;
    store.set('trigger', { value: bytes(10), createdAt: now });
    expect(store.usage().entries).toBe(2);
    store.close();
  });

  it("removes orphaned value files (a crashed writer's) once old enough, keeping owned ones", () => {
    const dir = tmp();
    const store = diskStore({ dir });
    store.set('owned', { value: bytes(100_000), createdAt: 0 });
    const [owned] = blobNames(dir);
    // A writer killed mid-write leaves a partial file no entry names.
    const orphan = path.join(dir, 'blobs', 'ab', 'cdef0123456789abcdef0123456789.bin');
    fs.mkdirSync(path.dirname(orphan), { recursive: true });
    fs.writeFileSync(orphan, bytes(500));
    // Young orphans are spared: they may be a live write in another process.
    expect(store.prune().orphans).toBe(0);
    expect(fs.existsSync(orphan)).toBe(true);
    expect(store.prune({ orphanAge: 0 }).orphans).toBe(1);
    expect(fs.existsSync(orphan)).toBe(false);
    expect(blobNames(dir)).toEqual([owned]);
    expect((store.get('owned')!.value as Uint8Array).byteLength).toBe(100_000);
    store.close();
  });
});
