import { describe, expect, it } from 'vitest';
import { isKeepsakeError } from '../../../src/errors.js';
import { type DiskStoreOptions, diskStore } from '../../../src/stores/disk-store.js';
import { useTmp } from './helpers/tmp.js';

const tmp = useTmp();

describe('diskStore options', () => {
  it('rejects bad options at construction with ERR_OPTIONS and a hint', () => {
    const bad: unknown[] = [
      { maxBytes: 0 },
      { maxBytes: -5 },
      { maxBytes: 1.5 },
      { maxBytes: Number.NaN },
      { maxBytes: '1GB' },
      { inlineMax: -1 },
      { inlineMax: 1e12 },
      { dir: '' },
      { dir: 42 },
      { name: '' },
      { now: 123 },
      { fs: 'node:fs' },
      null,
    ];
    for (const options of bad) {
      try {
        diskStore(options as DiskStoreOptions);
        expect.unreachable(`accepted ${JSON.stringify(options)}`);
      } catch (error) {
        expect(isKeepsakeError(error, 'ERR_OPTIONS')).toBe(true);
        expect((error as { hint?: string }).hint).toBeTruthy();
      }
    }
  });

  it('takes good ones', () => {
    const store = diskStore({
      dir: tmp(),
      maxBytes: 1024,
      inlineMax: 0,
      name: 'cold',
      now: () => 1,
    });
    expect(store.name).toBe('cold');
    expect(store.kind).toBe('bytes');
    expect(store.sync).toBe(true);
    store.close();
  });
});
