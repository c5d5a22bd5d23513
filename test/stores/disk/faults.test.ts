import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCache } from '../../../src/cache.js';
import { isKeepsakeError } from '../../../src/errors.js';
import { type DiskFs, nodeDiskFs } from '../../../src/stores/disk/disk-fs.js';
import { diskStore } from '../../../src/stores/disk-store.js';
import { exited, firstLine, startChild } from './helpers/spawn.js';
import { useTmp } from './helpers/tmp.js';

const tmp = useTmp();
const enospc = () =>
  Object.assign(new Error('ENOSPC: no space left on device, write'), {
    code: 'ENOSPC',
    errno: -28,
  });

function files(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(d, e.name));
      else out.push(path.relative(dir, path.join(d, e.name)));
    }
  };
  walk(dir);
  return out.sort();
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    expect(isKeepsakeError(error)).toBe(true);
    return (error as { code: string }).code;
  }
}

describe('diskStore faults', () => {
  it('disk full (injected ENOSPC mid-write): ERR_IO, no partial file, the old value kept', async () => {
    const dir = tmp();
    let full = false;
    const fsLayer: Partial<DiskFs> = {
      writeSync: ((...args: Parameters<typeof fs.writeSync>) => {
        if (full) throw enospc();
        return (nodeDiskFs.writeSync as (...a: unknown[]) => number)(...args);
      }) as DiskFs['writeSync'],
      open: (async (...args: Parameters<DiskFs['open']>) => {
        const handle = await nodeDiskFs.open(...args);
        if (full) {
          handle.write = (async () => {
            throw enospc();
          }) as typeof handle.write;
        }
        return handle;
      }) as DiskFs['open'],
    };
    const store = diskStore({ dir, fs: fsLayer });
    const old = new Uint8Array(200_000).fill(1);
    store.set('k', { value: old, createdAt: 1 });
    const before = files(dir).filter((f) => f.startsWith('blobs'));
    full = true;
    expect(
      codeOf(() => store.set('k', { value: new Uint8Array(300_000).fill(2), createdAt: 2 })),
    ).toBe('ERR_IO');
    await expect(
      store.setAsync('k', { value: new Uint8Array(9 * 1024 * 1024).fill(3), createdAt: 3 }),
    ).rejects.toMatchObject({ code: 'ERR_IO' });
    expect(files(dir).filter((f) => f.startsWith('blobs'))).toEqual(before);
    expect(Buffer.from(store.get('k')!.value as Uint8Array).equals(Buffer.from(old))).toBe(true);

    // Through a cache: the call still gets its value, and the failure is counted.
    const cache = createCache({ tiers: [store] });
    expect(await cache.wrap('other', () => new Uint8Array(500_000))).toHaveLength(500_000);
    expect(cache.stats().errors).toBeGreaterThanOrEqual(1);
    await cache.close();
  });

  it('permission denied and a read-only folder: KeepsakeError codes only, nothing stored is lost', async () => {
    const dir = tmp();
    const store = diskStore({ dir });
    store.set('kept', { value: new Uint8Array(10).fill(9), createdAt: 1 });
    store.set('keptBig', { value: new Uint8Array(200_000).fill(8), createdAt: 1 });
    store.close();
    const snapshot = files(dir).map((f) => [f, fs.readFileSync(path.join(dir, f)).length]);
    // Root ignores file modes, so as root the check runs in a child process started as the
    // unprivileged user 65534 ("nobody"): the same real chmod'ed folder, a real EACCES.
    const asRoot = process.getuid?.() === 0;
    fs.chmodSync(path.dirname(dir), 0o755);
    for (const f of files(dir)) fs.chmodSync(path.join(dir, f), 0o444);
    for (const d of [
      dir,
      path.join(dir, 'blobs'),
      ...fs.readdirSync(path.join(dir, 'blobs')).map((s) => path.join(dir, 'blobs', s)),
    ]) {
      fs.chmodSync(d, 0o555);
    }
    try {
      const child = await startChild('readonly-child.ts', [dir], asRoot ? { uid: 65534 } : {});
      const outcome = JSON.parse(await firstLine(child)) as Record<string, string>;
      await exited(child);
      // Every store operation failed with a KeepsakeError (ERR_IO), never another error.
      for (const op of ['get', 'set', 'setBig', 'delete', 'clear', 'acquire']) {
        expect(outcome[op], op).toBe('KeepsakeError:ERR_IO');
      }
      // A memoized call over the failing tier still returns the right value; errors counted.
      expect(outcome.wrap).toBe('the right value');
      expect(Number(outcome.errors)).toBeGreaterThanOrEqual(1);
    } finally {
      for (const d of [
        dir,
        path.join(dir, 'blobs'),
        ...fs.readdirSync(path.join(dir, 'blobs')).map((s) => path.join(dir, 'blobs', s)),
      ]) {
        fs.chmodSync(d, 0o755);
      }
      for (const f of files(dir)) fs.chmodSync(path.join(dir, f), 0o644);
    }
    // Nothing already stored was lost.
    expect(files(dir).map((f) => [f, fs.readFileSync(path.join(dir, f)).length])).toEqual(snapshot);
    const again = diskStore({ dir });
    expect((again.get('kept')!.value as Uint8Array).byteLength).toBe(10);
    expect((again.get('keptBig')!.value as Uint8Array).byteLength).toBe(200_000);
    again.close();
  }, 60_000);
});
