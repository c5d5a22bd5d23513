import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deserialize, serialize } from '../../src/codec/index.js';
import { HASH_STEP, hasher, xxh64 } from '../../src/hasher.js';

describe('the xxh64 checksum fed in steps', () => {
  it('equals one h64Raw over the whole input, at every length around the step boundaries', () => {
    const bytes = new Uint8Array(3 * HASH_STEP + 7);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 2654435761) >>> 24;
    for (const n of [0, 1, HASH_STEP - 1, HASH_STEP, HASH_STEP + 1, 2 * HASH_STEP, bytes.length]) {
      const part = bytes.subarray(3, 3 + Math.min(n, bytes.length - 3));
      expect(xxh64(part)).toBe(hasher.h64Raw(part));
    }
  });

  it('equals h64Raw on random inputs of up to three steps', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3 * HASH_STEP }),
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        (n, seed) => {
          const bytes = new Uint8Array(n);
          let x = seed;
          for (let i = 0; i < n; i++) {
            x = (Math.imul(x, 1103515245) + 12345) >>> 0;
            bytes[i] = x >>> 24;
          }
          expect(xxh64(bytes)).toBe(hasher.h64Raw(bytes));
        },
      ),
      { numRuns: 30 },
    );
  });

  it('still catches one flipped bit in the last step of a blob larger than a step', () => {
    const blob = serialize(new Float64Array(HASH_STEP).fill(1.5));
    expect(deserialize<Float64Array>(blob).length).toBe(HASH_STEP);
    blob[blob.length - 3]! ^= 0x10;
    expect(() => deserialize(blob)).toThrow(expect.objectContaining({ code: 'ERR_CORRUPT' }));
  });
});
