import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeMemoryKey, hashKey, memoryKey, memoryKeyOf } from '../../src/key/index.js';
import { compositeKey, instanceId } from '../../src/memoize/keys.js';

describe('memoryKey (memoize memory tier keys)', () => {
  it('equal values meet whatever their key order; different values do not', () => {
    const a = memoryKey({ userId: 7, filters: { tags: ['a', 'b'], since: 3 }, page: 1 });
    const b = memoryKey({ page: 1, filters: { since: 3, tags: ['a', 'b'] }, userId: 7 });
    expect(a).toBe(b);
    expect(a.startsWith('\0#')).toBe(true);
    expect(a).toHaveLength(10);
    expect(memoryKey({ userId: 8, filters: { tags: ['a', 'b'], since: 3 }, page: 1 })).not.toBe(a);
    expect(memoryKey([1], 'x')).not.toBe(memoryKey([1, 'x']));
  });

  it('is the 128-bit fingerprint hashKey shows in hex, whatever the size of the value', () => {
    for (const v of [{ text: 'x'.repeat(1000) }, [1, 'two', { three: 3n }], new Map([[1, 2]])]) {
      expect(describeMemoryKey(memoryKey(v))).toBe(hashKey(v));
    }
    expect(describeMemoryKey(memoryKey('a', [1]))).toBe(hashKey('a', [1]));
  });

  it('takes an arguments object as is', () => {
    function args(..._: unknown[]) {
      // biome-ignore lint/complexity/noArguments: the shape memoize passes
      return arguments;
    }
    expect(memoryKeyOf(args({ a: 1 }, 2))).toBe(memoryKey({ a: 1 }, 2));
  });

  it("keys a method call with its receiver's instance id as a first part", () => {
    const self = {};
    expect(compositeKey(self, [[1]])).toBe(memoryKey({ instance: instanceId(self) }, [1]));
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
