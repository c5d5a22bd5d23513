import { describe, expect, it } from 'vitest';
import { apiHasher } from '../../src/key/hasher.js';
import { hashKey } from '../../src/key/index.js';

/** The key of `bytes` (a whole canonical encoding), hashed by xxhash-wasm's public API. */
async function keyOfBytes(bytes: Uint8Array): Promise<string> {
  const h = await apiHasher();
  h.grow(bytes.length + 64);
  new Uint8Array(h.buffer).set(bytes, 32);
  h.hash128(32, bytes.length, 0);
  return Buffer.from(new Uint8Array(h.buffer, 0, 16)).toString('hex');
}

describe('the sorted-keys cache never changes a key', () => {
  it('same keys in another order, at the same depth, one after the other', () => {
    const a = hashKey({ x: { b: 1, a: 2 } });
    const b = hashKey({ x: { a: 2, b: 1 } });
    const c = hashKey({ x: { b: 1, a: 2 } });
    expect(b).toBe(a);
    expect(c).toBe(a);
  });

  it('a different key list at the same depth is sorted afresh', () => {
    const ab = hashKey({ x: { b: 1, a: 2 } });
    const ac = hashKey({ x: { c: 1, a: 2 } });
    expect(hashKey({ x: { a: 2, c: 1 } })).toBe(ac);
    expect(ac).not.toBe(ab);
    // Same length, one key differs in the middle.
    expect(hashKey({ q: 1, b: 2, z: 3 })).toBe(hashKey({ z: 3, q: 1, b: 2 }));
    expect(hashKey({ q: 1, c: 2, z: 3 })).not.toBe(hashKey({ q: 1, b: 2, z: 3 }));
  });

  it('a getter calling hashKey mid-object does not disturb the outer key order', () => {
    const inner = () => hashKey({ d: 1, c: 2 });
    const plain = { b: inner(), a: 1, c: { y: 1, x: 2 } };
    const withGetter = {
      get b() {
        return inner();
      },
      a: 1,
      c: { y: 1, x: 2 },
    };
    expect(hashKey(withGetter)).toBe(hashKey(plain));
  });

  it('objects with many keys (sorted without the cache) ignore key order', () => {
    const names = Array.from({ length: 50 }, (_, i) => `k${(i * 37) % 50}`);
    const forward = Object.fromEntries(names.map((k) => [k, k.length]));
    const backward = Object.fromEntries([...names].reverse().map((k) => [k, k.length]));
    expect(hashKey(backward)).toBe(hashKey(forward));
    expect(hashKey({ ...forward, k7: 'other' })).not.toBe(hashKey(forward));
  });
});

describe('values larger than the scratch are written whole', () => {
  it('a multi-megabyte non-ASCII string matches its documented bytes', async () => {
    const n = 3_000_000;
    const s = 'é'.repeat(n);
    // 01 01 06 varint(n) then c3 a9 per character.
    const head = [1, 1, 6];
    for (let v = n; ; v = Math.floor(v / 128)) {
      if (v < 128) {
        head.push(v);
        break;
      }
      head.push((v % 128) | 0x80);
    }
    const bytes = new Uint8Array(head.length + 2 * n);
    bytes.set(head);
    for (let i = 0; i < n; i++) {
      bytes[head.length + 2 * i] = 0xc3;
      bytes[head.length + 2 * i + 1] = 0xa9;
    }
    expect(hashKey(s)).toBe(await keyOfBytes(bytes));
  });

  it('many small values after a growth still encode like the documented layout', async () => {
    const arr = Array.from({ length: 200_000 }, (_, i) => i % 2 === 0);
    const bytes = [1, 1, 7, 0xc0, 0x9a, 0x0c, ...arr.map((b) => (b ? 3 : 2))];
    expect(hashKey(arr)).toBe(await keyOfBytes(new Uint8Array(bytes)));
  });

  it('a getter that hashes a value larger than the scratch mid-object changes nothing', () => {
    const big = 'x'.repeat(4_000_000);
    const inner = () => hashKey({ big, n: 1 });
    const plain = { a: [1, 'two'], b: inner(), c: { d: 3 } };
    const withGetter = {
      a: [1, 'two'],
      get b() {
        return inner();
      },
      c: { d: 3 },
    };
    expect(hashKey(withGetter)).toBe(hashKey(plain));
    const proxied = new Proxy(
      { a: [1, 'two'], b: '', c: { d: 3 } },
      { get: (t, k) => (k === 'b' ? inner() : Reflect.get(t, k)) },
    );
    expect(hashKey(proxied)).toBe(hashKey(plain));
  });
});
