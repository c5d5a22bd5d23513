import diagnostics from 'node:diagnostics_channel';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCache } from '../../../src/cache.js';
import { serialize } from '../../../src/codec/index.js';
import { isKeepsakeError } from '../../../src/errors.js';
import { INDEX_FILE } from '../../../src/stores/disk/index-format.js';
import { diskStore } from '../../../src/stores/disk-store.js';
import { blobFiles } from '../../helpers/blob-files.js';
import { useTmp } from './helpers/tmp.js';

const tmp = useTmp();

function expectCorrupt(fn: () => unknown): void {
  try {
    fn();
  } catch (error) {
    expect(isKeepsakeError(error, 'ERR_CORRUPT')).toBe(true);
    return;
  }
  expect.unreachable('expected ERR_CORRUPT');
}

const pattern = (n: number, seed: number) =>
  new Uint8Array(n).map((_, i) => (i * 13 + seed) & 0xff);

describe('diskStore corruption', () => {
  it('a flipped byte in a value file is detected once, the entry removed, then a miss', () => {
    const dir = tmp();
    const store = diskStore({ dir });
    store.set('k', { value: pattern(200_000, 1), createdAt: 1 });
    const [file] = blobFiles(dir);
    const bytes = fs.readFileSync(file!);
    bytes[123_456] = bytes[123_456]! ^ 0x01;
    fs.writeFileSync(file!, bytes);
    expectCorrupt(() => store.get('k'));
    expect(store.get('k')).toBeUndefined();
    expect(blobFiles(dir)).toEqual([]);
    expect(store.usage()).toEqual({ entries: 0, bytes: 0 });
    store.close();
  });

  it('a truncated value file is detected and removed', () => {
    const dir = tmp();
    const store = diskStore({ dir });
    store.set('k', { value: pattern(300_000, 2), createdAt: 1 });
    const [file] = blobFiles(dir);
    fs.truncateSync(file!, 1000);
    expectCorrupt(() => store.get('k'));
    expect(store.get('k')).toBeUndefined();
    expect(blobFiles(dir)).toEqual([]);
    store.close();
  });

  it('a value file deleted behind its back is a counted miss', () => {
    const dir = tmp();
    const store = diskStore({ dir });
    store.set('k', { value: pattern(100_000, 3), createdAt: 1 });
    fs.unlinkSync(blobFiles(dir)[0]!);
    expectCorrupt(() => store.get('k'));
    expect(store.get('k')).toBeUndefined();
    store.close();
  });

  it('a flipped byte of an inline value inside the index file is detected and removed', () => {
    const dir = tmp();
    const store = diskStore({ dir });
    const value = Buffer.from(`a unique inline marker ${'#'.repeat(200)} end`);
    store.set('k', { value, createdAt: 1 });
    store.close();
    const index = path.join(dir, INDEX_FILE);
    const raw = fs.readFileSync(index);
    const at = raw.indexOf(value);
    expect(at).toBeGreaterThan(0);
    const fd = fs.openSync(index, 'r+');
    fs.writeSync(fd, Buffer.from([raw[at + 50]! ^ 0x20]), 0, 1, at + 50);
    fs.closeSync(fd);
    const again = diskStore({ dir });
    expectCorrupt(() => again.get('k'));
    expect(again.get('k')).toBeUndefined();
    again.close();
  });

  it('through a cache: a flipped payload byte of a codec value file is recomputed, counted and published', async () => {
    const dir = tmp();
    const errors: unknown[] = [];
    const onError = (msg: unknown) => errors.push(msg);
    diagnostics.subscribe('keepsake:error', onError);
    try {
      const big = new Float64Array(50_000).map((_, i) => i * 1.5);
      const store = diskStore({ dir });
      // Value files that are codec envelopes are verified by the codec's own checksum.
      store.set('ns:k', { value: serialize(big), createdAt: Date.now() });
      store.close();
      const [file] = blobFiles(dir);
      const bytes = fs.readFileSync(file!);
      bytes[bytes.length - 100] = bytes[bytes.length - 100]! ^ 0xff;
      fs.writeFileSync(file!, bytes);

      const cache = createCache({ tiers: [diskStore({ dir })] });
      let computed = 0;
      const value = await cache.wrap('ns:k', () => {
        computed++;
        return big;
      });
      expect(computed).toBe(1);
      expect(value).toEqual(big);
      expect(cache.stats().errors).toBeGreaterThanOrEqual(1);
      expect(errors.length).toBeGreaterThanOrEqual(1);
      await cache.close();
    } finally {
      diagnostics.unsubscribe('keepsake:error', onError);
    }
  });
});
