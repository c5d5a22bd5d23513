import { describe, expect, it } from 'vitest';
import { diskStore } from '../../../src/stores/disk-store.js';
import { exited, firstLine, startChild } from './helpers/spawn.js';
import { useTmp } from './helpers/tmp.js';

const tmp = useTmp();

describe('diskStore leases', () => {
  it('one holder per key across store instances; release needs the token; leases expire', () => {
    let now = 1_000_000;
    const dir = tmp();
    const a = diskStore({ dir, now: () => now });
    const b = diskStore({ dir, now: () => now });
    const token = a.acquire('k', 5_000);
    expect(typeof token).toBe('string');
    expect(b.acquire('k', 5_000)).toBeUndefined();
    b.release('k', 'forged');
    expect(b.acquire('k', 5_000)).toBeUndefined();
    now += 5_001; // the holder never released: its lease lapses
    const second = b.acquire('k', 5_000);
    expect(typeof second).toBe('string');
    a.release('k', token!); // a stale token no longer releases anything
    expect(a.acquire('k', 5_000)).toBeUndefined();
    b.release('k', second!);
    expect(typeof a.acquire('k', 5_000)).toBe('string');
    a.close();
    b.close();
  });

  it('a holder process killed with SIGKILL blocks others only until its lease expires', async () => {
    const dir = tmp();
    const child = await startChild('lease-child.ts', [dir, 'job', '1500']);
    expect(await firstLine(child)).toMatch(/^held /);
    const store = diskStore({ dir });
    expect(store.acquire('job', 10_000)).toBeUndefined();
    child.kill('SIGKILL');
    await exited(child);
    expect(store.acquire('job', 10_000)).toBeUndefined(); // still within its 1.5 s
    await new Promise((resolve) => setTimeout(resolve, 1_600));
    expect(typeof store.acquire('job', 10_000)).toBe('string');
    store.close();
  }, 60_000);
});
