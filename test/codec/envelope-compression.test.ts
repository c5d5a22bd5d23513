import { describe, expect, it } from 'vitest';
import type { Compression } from '../../src/codec/index.js';
import { deserialize, serialize } from '../../src/codec/index.js';
import { assertSame } from './helpers/equal.js';
import { expectThrowsCode } from './helpers/errors.js';

const value = {
  rows: Array.from({ length: 2000 }, (_, i) => ({
    id: i,
    name: `user-${i % 17}`,
    tags: ['a', 'b'],
  })),
  when: new Date(0),
  big: 2n ** 100n,
  m: new Map([['k', new Set([1, 2])]]),
  bin: Buffer.alloc(5000, 1),
};

describe('compression', () => {
  const plain = serialize(value);

  it.each(['gzip', 'deflate', 'brotli'] as const)(
    '%s round-trips and needs no option to load',
    (c) => {
      const bytes = serialize(value, { compress: c });
      expect(bytes.byteLength).toBeLessThan(plain.byteLength / 3);
      assertSame(deserialize(bytes), value);
    },
  );

  it('each compression is recorded in the header: the blobs differ and all decode alike', () => {
    const blobs = (['none', 'gzip', 'deflate', 'brotli'] as Compression[]).map((c) =>
      Buffer.from(serialize(value, { compress: c })),
    );
    expect(new Set(blobs.map((b) => b.toString('hex'))).size).toBe(4);
    // all start with the same magic
    for (const b of blobs) expect(b.subarray(0, 4).equals(blobs[0]!.subarray(0, 4))).toBe(true);
    for (const b of blobs) assertSame(deserialize(b), value);
  });

  it("compress: 'none' is the default", () => {
    expect(Buffer.from(serialize(value, { compress: 'none' })).equals(Buffer.from(plain))).toBe(
      true,
    );
  });

  it('levels are honoured and still decode', () => {
    const fast = serialize(value, { compress: 'gzip', level: 1 });
    const best = serialize(value, { compress: 'gzip', level: 9 });
    assertSame(deserialize(fast), value);
    assertSame(deserialize(best), value);
    const b0 = serialize(value, { compress: 'brotli', level: 0 });
    const b11 = serialize(value, { compress: 'brotli', level: 11 });
    assertSame(deserialize(b0), value);
    assertSame(deserialize(b11), value);
  });

  it('tiny and empty-ish values compress fine', () => {
    for (const c of ['gzip', 'deflate', 'brotli'] as const) {
      expect(deserialize(serialize(undefined, { compress: c }))).toBeUndefined();
      expect(deserialize(serialize('', { compress: c }))).toBe('');
    }
  });

  it('an unknown compression is ERR_OPTIONS', () => {
    expectThrowsCode(() => serialize(1, { compress: 'lz77' as Compression }), 'ERR_OPTIONS');
  });

  it('any Uint8Array view works as input (a subarray of a bigger buffer, a Buffer)', () => {
    const bytes = serialize(value, { compress: 'brotli' });
    const big = new Uint8Array(bytes.length + 10);
    big.set(bytes, 7);
    assertSame(deserialize(big.subarray(7, 7 + bytes.length)), value);
    assertSame(deserialize(Buffer.from(bytes)), value);
  });
});
