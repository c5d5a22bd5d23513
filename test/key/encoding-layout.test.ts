import { describe, expect, it } from 'vitest';
import { apiHasher, hasher } from '../../src/key/hasher.js';
import { hashKey, ready } from '../../src/key/index.js';

async function hashBytes(bytes: number[]): Promise<string> {
  const h = await apiHasher();
  h.grow(bytes.length + 64);
  new Uint8Array(h.buffer).set(bytes, 32);
  h.hash128(32, bytes.length, 0);
  return Buffer.from(new Uint8Array(h.buffer, 0, 16)).toString('hex');
}

describe('the documented byte layout is what gets hashed', () => {
  it('matches the example in encode.ts, hashed by the public xxhash-wasm API', async () => {
    const bytes = [1, 1, 9, 2, 1, 0x61, 6, 1, 0x78, 1, 0x62, 4, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f];
    expect(hashKey({ b: 1, a: 'x' })).toBe(await hashBytes(bytes));
  });

  it('keys are 32 lowercase hex characters', () => {
    expect(hashKey({ any: 'thing' })).toMatch(/^[0-9a-f]{32}$/);
  });

  it('loads the fast direct-wasm hasher in Node', () => {
    expect(hasher.kind).toBe('wasm-direct');
  });

  it('ready() resolves, idempotently', async () => {
    await expect(ready()).resolves.toBeUndefined();
    expect(ready()).toBe(ready());
  });

  it('the direct hasher and the public-API fallback agree on many lengths', async () => {
    const api = await apiHasher();
    for (const len of [0, 1, 3, 31, 32, 33, 100, 4096, 70_000]) {
      for (const h of [hasher, api]) {
        h.grow(len + 1024);
        const mem = new Uint8Array(h.buffer);
        for (let i = 0; i < len; i++) mem[64 + i] = (i * 131 + len) & 255;
      }
      hasher.hash128(64, len, 0);
      api.hash128(64, len, 0);
      expect(Buffer.from(new Uint8Array(hasher.buffer, 0, 16))).toEqual(
        Buffer.from(new Uint8Array(api.buffer, 0, 16)),
      );
    }
  });
});
