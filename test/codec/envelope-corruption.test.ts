import { describe, expect, it } from 'vitest';
import type { Compression } from '../../src/codec/index.js';
import { deserialize, serialize } from '../../src/codec/index.js';
import { seal } from './helpers/envelope.js';
import { expectThrowsCode } from './helpers/errors.js';

const small = { a: [1, -0, 'x\uD800'], m: new Map([[1n, new Date(5)]]), b: Buffer.from([1, 2]) };
const compressions: Compression[] = ['none', 'gzip', 'deflate', 'brotli'];

describe('the envelope catches corruption', () => {
  it.each(compressions)(
    'every single flipped bit of a small %s blob -> ERR_CORRUPT or ERR_FORMAT',
    (c) => {
      const blob = serialize(small, { compress: c });
      for (let i = 0; i < blob.length; i++) {
        for (let bit = 0; bit < 8; bit++) {
          const bad = Uint8Array.from(blob);
          bad[i]! ^= 1 << bit;
          expectThrowsCode(() => deserialize(bad), 'ERR_CORRUPT', 'ERR_FORMAT');
        }
      }
    },
  );

  it('sampled flipped bits of a large blob -> ERR_CORRUPT', () => {
    const blob = serialize({ data: Buffer.alloc(1 << 20, 3), s: 'x'.repeat(100_000) });
    for (let k = 0; k < 200; k++) {
      const i = 20 + Math.floor(((k + 0.5) / 200) * (blob.length - 20));
      const bad = Uint8Array.from(blob);
      bad[i]! ^= 1 << (k % 8);
      expectThrowsCode(() => deserialize(bad), 'ERR_CORRUPT');
    }
  });

  it('every truncation -> ERR_CORRUPT (ERR_FORMAT only while the magic itself is cut)', () => {
    for (const c of compressions) {
      const blob = serialize(small, { compress: c });
      for (let len = 0; len < blob.length; len++) {
        const cut = blob.subarray(0, len);
        if (len < 5) expectThrowsCode(() => deserialize(cut), 'ERR_CORRUPT', 'ERR_FORMAT');
        else expectThrowsCode(() => deserialize(cut), 'ERR_CORRUPT');
      }
    }
  });

  it('a missing byte anywhere -> ERR_CORRUPT or ERR_FORMAT', () => {
    const blob = serialize(small);
    for (let i = 0; i < blob.length; i++) {
      const bad = Uint8Array.from([...blob.subarray(0, i), ...blob.subarray(i + 1)]);
      expectThrowsCode(() => deserialize(bad), 'ERR_CORRUPT', 'ERR_FORMAT');
    }
  });

  it('extra trailing bytes -> ERR_CORRUPT (the length is exact)', () => {
    const blob = serialize(small);
    expectThrowsCode(() => deserialize(Uint8Array.from([...blob, 0])), 'ERR_CORRUPT', 'ERR_FORMAT');
  });

  it('bad magic -> ERR_FORMAT', () => {
    const blob = serialize(small);
    for (let i = 0; i < 4; i++) {
      const bad = Uint8Array.from(blob);
      bad[i] = (bad[i]! + 1) & 255;
      expectThrowsCode(() => deserialize(bad), 'ERR_FORMAT');
    }
    expectThrowsCode(() => deserialize(Buffer.from('{"a":1}')), 'ERR_FORMAT');
    expectThrowsCode(
      () => deserialize(Buffer.from('hello world, this is not keepsake')),
      'ERR_FORMAT',
    );
  });

  it('msgpack, v8.serialize and JSON bytes are ERR_FORMAT', async () => {
    const v8 = await import('node:v8');
    expectThrowsCode(() => deserialize(v8.serialize({ a: 1 })), 'ERR_FORMAT');
    expectThrowsCode(() => deserialize(Uint8Array.from([0x81, 0xa1, 0x61, 0x01])), 'ERR_FORMAT');
  });

  it('empty input -> ERR_FORMAT or ERR_CORRUPT', () => {
    expectThrowsCode(() => deserialize(new Uint8Array(0)), 'ERR_FORMAT', 'ERR_CORRUPT');
  });

  it('a newer format version -> ERR_FORMAT, even with a valid checksum', () => {
    for (const v of [2, 7, 255]) {
      expectThrowsCode(() => deserialize(seal(Uint8Array.of(0x01), 0, v)), 'ERR_FORMAT');
    }
    // format 1 with the same payload decodes
    expect(deserialize(seal(Uint8Array.of(0x01), 0, 1))).toBe(1);
  });

  it('format 0 and unknown compression codes with a valid checksum are refused', () => {
    expectThrowsCode(
      () => deserialize(seal(Uint8Array.of(0x01), 0, 0)),
      'ERR_FORMAT',
      'ERR_CORRUPT',
    );
    for (const flags of [4, 5, 7, 0x0c, 0x10, 0x18, 0x80]) {
      expectThrowsCode(
        () => deserialize(seal(Uint8Array.of(0x01), flags)),
        'ERR_FORMAT',
        'ERR_CORRUPT',
      );
    }
  });

  it('non-Uint8Array input is refused with a KeepsakeError', () => {
    for (const bad of [null, undefined, 'string', 42, {}, [1, 2, 3]]) {
      expectThrowsCode(
        () => deserialize(bad as unknown as Uint8Array),
        'ERR_FORMAT',
        'ERR_OPTIONS',
        'ERR_CORRUPT',
      );
    }
  });
});
