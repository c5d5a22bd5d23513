import { describe, expect, it } from 'vitest';
import { diskStore } from '../../../src/stores/disk-store.js';
import { useTmp } from './helpers/tmp.js';

const tmp = useTmp();
const MB = 1024 * 1024;

/** The largest gap between ticks of a 1 ms interval while `work` runs: event-loop blocking. */
async function maxLoopGap(work: () => Promise<unknown>): Promise<number> {
  let last = performance.now();
  let worst = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last);
    last = now;
  }, 1);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  return worst;
}

describe('diskStore large values', () => {
  it('writes and reads a 256 MB Float64Array without extra copies in memory', () => {
    const store = diskStore({ dir: tmp() });
    const array = new Float64Array((256 * MB) / 8);
    for (let i = 0; i < array.length; i += 4096) array[i] = i;
    const value = new Uint8Array(array.buffer);
    global.gc?.();
    const before = process.memoryUsage().arrayBuffers;
    store.set('big', { value, createdAt: 0 });
    const afterSet = process.memoryUsage().arrayBuffers;
    // Written as given: no copy of the value was made (small per-chunk buffers aside).
    expect(afterSet - before).toBeLessThan(16 * MB);
    const got = store.get('big') as { value: Uint8Array };
    const afterGet = process.memoryUsage().arrayBuffers;
    // Read into one buffer: the value once, not twice.
    expect(afterGet - afterSet).toBeLessThan(256 * MB + 16 * MB);
    expect(got.value.byteLength).toBe(256 * MB);
    const back = new Float64Array(got.value.buffer, got.value.byteOffset, array.length);
    for (let i = 0; i < array.length; i += 4096) expect(back[i]).toBe(i);
    store.close();
  }, 120_000);

  it('getAsync/setAsync keep the event loop turning on a 128 MB value', async () => {
    const store = diskStore({ dir: tmp() });
    const value = new Uint8Array(128 * MB).fill(3);
    const t0 = performance.now();
    store.set('sync', { value, createdAt: 0 });
    const syncMs = performance.now() - t0;
    const writeGap = await maxLoopGap(() => store.setAsync('async', { value, createdAt: 0 }));
    let got: Uint8Array | undefined;
    const readGap = await maxLoopGap(async () => {
      got = (await store.getAsync('async'))?.value as Uint8Array;
    });
    expect(got?.byteLength).toBe(128 * MB);
    expect(got?.[128 * MB - 1]).toBe(3);
    // The sync write blocked for all of syncMs; the async ones yield between 4 MB chunks.
    expect(writeGap).toBeLessThan(Math.max(50, syncMs / 3));
    expect(readGap).toBeLessThan(Math.max(50, syncMs / 3));
    store.close();
  }, 120_000);
});
