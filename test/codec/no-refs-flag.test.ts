import { describe, expect, it } from 'vitest';
import type { Compression } from '../../src/codec/index.js';
import { deserialize, serialize } from '../../src/codec/index.js';
import { FLAG_NO_REFS, payloadOf, seal } from './helpers/envelope.js';
import { diff } from './helpers/equal.js';
import { expectThrowsCode } from './helpers/errors.js';

const compressions: Compression[] = ['none', 'gzip', 'deflate', 'brotli'];
const flagsOf = (blob: Uint8Array) => blob[13]!;

describe('flags bit 3: a payload without back-references', () => {
  it.each(compressions)('is set on a tree of values and kept beside %s compression', (c) => {
    const tree = {
      rows: [{ id: 1, at: new Date(7), tags: ['a'] }],
      m: new Map([[1, new Set([2])]]),
    };
    const blob = serialize(tree, { compress: c });
    expect(flagsOf(blob) & FLAG_NO_REFS).toBe(FLAG_NO_REFS);
    expect(flagsOf(blob) & 0x07).toBe(compressions.indexOf(c));
    expect(diff(tree, deserialize(blob))).toBeNull();
  });

  it('is clear when an object is met twice (shared reference or cycle), and identity is kept', () => {
    const shared = { n: 1 };
    const cyclic: { self?: unknown; items: unknown[] } = { items: [shared, shared] };
    cyclic.self = cyclic;
    for (const c of compressions) {
      const blob = serialize(cyclic, { compress: c });
      expect(flagsOf(blob) & FLAG_NO_REFS).toBe(0);
      const back = deserialize<typeof cyclic>(blob);
      expect(back.self).toBe(back);
      expect(back.items[0]).toBe(back.items[1]);
    }
  });

  it('old blobs without the bit (every blob before it existed) still resolve references', () => {
    const shared = [1];
    const blob = serialize({ a: shared, b: shared });
    const old = seal(payloadOf(blob), 0);
    const back = deserialize<{ a: number[]; b: number[] }>(old);
    expect(back.a).toBe(back.b);
    // The same tree-shaped payload reads the same with or without the bit.
    const tree = serialize({ a: [1], b: new Map([[2, new Date(3)]]) });
    expect(diff(deserialize(tree), deserialize(seal(payloadOf(tree), 0)))).toBeNull();
  });

  it('a back-reference inside a payload flagged as holding none is ERR_CORRUPT', () => {
    const shared = [1];
    const withRef = payloadOf(serialize({ a: shared, b: shared }));
    expectThrowsCode(() => deserialize(seal(withRef, FLAG_NO_REFS)), 'ERR_CORRUPT');
  });
});
