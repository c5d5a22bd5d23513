import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalKey, hashKey } from '../../src/key/index.js';

function shuffleObject(v: unknown, seed: number): unknown {
  if (Array.isArray(v)) return v.map((x) => shuffleObject(x, seed));
  if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    const entries = Object.entries(v);
    const rotated = entries.map((_, i) => entries[(i + seed) % entries.length]!);
    return Object.fromEntries(rotated.reverse().map(([k, x]) => [k, shuffleObject(x, seed)]));
  }
  return v;
}

describe('equal values give equal keys', () => {
  it('ignores plain-object key order (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.nat(10), (v, seed) => {
        expect(hashKey(shuffleObject(v, seed))).toBe(hashKey(v));
      }),
    );
  });

  it('ignores Map and Set insertion order (property)', () => {
    const entries = fc.uniqueArray(fc.tuple(fc.oneof(fc.string(), fc.integer()), fc.jsonValue()), {
      selector: ([k]) => k,
    });
    fc.assert(
      fc.property(entries, (es) => {
        const reversed = [...es].reverse();
        expect(hashKey(new Map(es))).toBe(hashKey(new Map(reversed)));
        expect(hashKey(new Set(es.map(([k]) => k)))).toBe(
          hashKey(new Set(reversed.map(([k]) => k))),
        );
      }),
    );
  });

  it('treats a fresh deep copy as equal', () => {
    const make = () => ({
      d: new Date(5),
      r: /x/g,
      m: new Map([[{ k: [1] }, new Set([1, 2])]]),
      t: new Int32Array([1, -1]),
      n: Number.NaN,
    });
    expect(hashKey(make())).toBe(hashKey(make()));
  });

  it('encodes a shared sub-value like two equal copies', () => {
    const o = { a: 1 };
    expect(hashKey([o, o])).toBe(hashKey([{ a: 1 }, { a: 1 }]));
  });
});

describe('distinct values give distinct keys', () => {
  it('separates 1, "1", 1n, true, [1] and the parts split', () => {
    const keys = [1, '1', 1n, true, [1], new Number(1), new Date(1)].map((v) => hashKey(v));
    keys.push(hashKey(1, 2), hashKey([1, 2]), hashKey(), hashKey(undefined));
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('keeps -0 apart from 0, and NaN equal to NaN', () => {
    expect(hashKey(-0)).not.toBe(hashKey(0));
    expect(hashKey(Number.NaN)).toBe(hashKey(0 / 0));
  });

  it('keeps undefined apart from a missing property and a hole', () => {
    expect(hashKey({ a: undefined })).not.toBe(hashKey({}));
    // biome-ignore lint/suspicious/noSparseArray: a hole on purpose
    expect(hashKey([, 1])).not.toBe(hashKey([undefined, 1]));
  });

  it('separates binary types with the same bytes, and lone surrogates from U+FFFD', () => {
    const bytes = [1, 2, 3, 4];
    const keys = [
      hashKey(new Uint8Array(bytes)),
      hashKey(Buffer.from(bytes)),
      hashKey(new Uint8Array(bytes).buffer),
      hashKey(new DataView(new Uint8Array(bytes).buffer)),
      hashKey(new Int8Array(bytes)),
    ];
    expect(new Set(keys).size).toBe(keys.length);
    expect(hashKey('\uD800')).not.toBe(hashKey('\uFFFD'));
  });

  it('large buffers: a one-byte change in any chunk changes the key', () => {
    const big = new Uint8Array(600_000);
    const k0 = hashKey(big);
    for (const at of [0, 262_143, 262_144, 599_999]) {
      big[at] = 1;
      expect(hashKey(big)).not.toBe(k0);
      big[at] = 0;
    }
    expect(hashKey(big)).toBe(k0);
    expect(hashKey(big.subarray(1))).not.toBe(k0);
  });

  it('distinct generated values hash distinct (sample)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.jsonValue(), {
          minLength: 2,
          maxLength: 50,
          selector: (v) => JSON.stringify(v),
        }),
        (vs) => {
          const keys = vs.map((v) => hashKey(v));
          // JSON.stringify order-sensitivity: distinct JSON may still be equal values.
          const canon = new Set(vs.map((v) => JSON.stringify(sortDeep(v))));
          expect(new Set(keys).size).toBe(canon.size);
        },
      ),
    );
  });
});

function sortDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortDeep);
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(
      Object.entries(v)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, x]) => [k, sortDeep(x)]),
    );
  }
  return Object.is(v, -0) ? '-0' : v;
}

describe('canonicalKey', () => {
  it('is injective on primitive parts and defers objects to hashKey', () => {
    const keys = [
      canonicalKey(1),
      canonicalKey('1'),
      canonicalKey(1n),
      canonicalKey(true),
      canonicalKey(-0),
      canonicalKey(0),
      canonicalKey('a|s1:b'),
      canonicalKey('a', 'b'),
      canonicalKey(null),
      canonicalKey(undefined),
    ];
    expect(new Set(keys).size).toBe(keys.length);
    expect(canonicalKey({ a: 1 })).toBe(`h:${hashKey({ a: 1 })}`);
  });
});
