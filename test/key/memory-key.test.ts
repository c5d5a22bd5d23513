import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashKey, memoryKey } from '../../src/key/index.js';

describe('memoryKey (memoize memory tier keys)', () => {
  it('equal values meet whatever their key order; different values do not', () => {
    const a = memoryKey({ userId: 7, filters: { tags: ['a', 'b'], since: 3 }, page: 1 });
    const b = memoryKey({ page: 1, filters: { since: 3, tags: ['a', 'b'] }, userId: 7 });
    expect(a).toBe(b);
    expect(a.startsWith('o:')).toBe(true);
    expect(memoryKey({ userId: 8, filters: { tags: ['a', 'b'], since: 3 }, page: 1 })).not.toBe(a);
    expect(memoryKey([1], 'x')).not.toBe(memoryKey([1, 'x']));
  });

  it('long encodings fall back to the 128-bit hash', () => {
    const big = { text: 'x'.repeat(1000) };
    expect(memoryKey(big)).toBe(`h:${hashKey(big)}`);
  });

  it('agrees with hashKey on equality for random values', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (x, y) => {
        expect(memoryKey(x) === memoryKey(y)).toBe(hashKey(x) === hashKey(y));
      }),
      { numRuns: 300 },
    );
  });
});
