import { describe, expect, it } from 'vitest';
import { deserialize, serialize } from '../../src/codec/index.js';
import { rt, rtSame } from './helpers/roundtrip.js';

describe('plain and null-prototype objects', () => {
  it('plain objects keep keys, key order and nested values', () => {
    const v = { b: 1, a: { c: [1, 2, { d: 'x' }] }, '': 'empty key', 'with space': true, 10: 'n' };
    const out = rtSame(v);
    expect(Object.keys(out)).toEqual(Object.keys(v));
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
  });

  it('a getter that deletes a later key cannot shift the other values under the wrong keys', () => {
    const rows = [0, 1].map((i) => ({
      a: i,
      get b() {
        delete (this as { c?: number }).c;
        return 'b';
      },
      c: 3,
      d: 'd',
    }));
    // The second row takes the same-shape path, the first the shape-defining one.
    const out = deserialize<Array<Record<string, unknown>>>(serialize(rows));
    for (const [i, row] of out.entries()) {
      expect(row).toEqual({ a: i, b: 'b', c: undefined, d: 'd' });
      expect(Object.keys(row)).toEqual(['a', 'b', 'c', 'd']);
    }
  });

  it('null-prototype objects keep a null prototype, nested too', () => {
    const inner = Object.create(null) as Record<string, unknown>;
    inner.x = 1;
    const outer = Object.create(null) as Record<string, unknown>;
    outer.inner = inner;
    outer.toString = 'not a function' as unknown as () => string;
    const out = rt(outer);
    expect(Object.getPrototypeOf(out)).toBeNull();
    expect(Object.getPrototypeOf(out.inner)).toBeNull();
    expect(out.toString).toBe('not a function');
    rtSame(outer);
  });

  it('an empty object and an empty null-prototype object differ', () => {
    const out = rt([{}, Object.create(null)]);
    expect(Object.getPrototypeOf(out[0])).toBe(Object.prototype);
    expect(Object.getPrototypeOf(out[1])).toBeNull();
  });
});

describe('"__proto__" as an own data key', () => {
  it('comes back as an own data property and never changes the prototype', () => {
    const v = JSON.parse('{"a":1,"__proto__":{"polluted":"yes","x":2}}') as Record<string, unknown>;
    expect(Object.hasOwn(v, '__proto__')).toBe(true);
    const out = rt(v);
    const desc = Object.getOwnPropertyDescriptor(out, '__proto__');
    expect(desc).toBeDefined();
    expect(desc && 'value' in desc).toBe(true);
    expect(desc?.enumerable).toBe(true);
    expect(desc?.value).toEqual({ polluted: 'yes', x: 2 });
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect((out as { polluted?: unknown }).polluted).toBeUndefined();
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    expect(Object.hasOwn(Object.prototype, 'polluted')).toBe(false);
    expect(Object.keys(out)).toEqual(['a', '__proto__']);
    rtSame(v);
  });

  it('works on null-prototype objects, nested objects and with a primitive value', () => {
    const np = Object.create(null) as Record<string, unknown>;
    Object.defineProperty(np, '__proto__', {
      value: [1, 2],
      enumerable: true,
      writable: true,
      configurable: true,
    });
    const nested = JSON.parse('{"deep":{"__proto__":null},"k":{"__proto__":5}}');
    const out = rt({ np, nested });
    expect(Object.getPrototypeOf(out.np)).toBeNull();
    expect(Object.getOwnPropertyDescriptor(out.np, '__proto__')?.value).toEqual([1, 2]);
    expect(Object.hasOwn(out.nested.deep, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(out.nested.deep)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(out.nested.k, '__proto__')?.value).toBe(5);
    rtSame({ np, nested });
  });

  it('"constructor" and "prototype" keys are plain data too', () => {
    const v = JSON.parse('{"constructor":{"prototype":{"polluted":1}},"prototype":2}');
    const out = rtSame(v);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it('loading assigns own properties without running setters inherited from Object.prototype', () => {
    const v = { trap: 1, other: 2 };
    const bytes = serialize(v);
    let setterCalls = 0;
    Object.defineProperty(Object.prototype, 'trap', {
      configurable: true,
      set() {
        setterCalls++;
      },
      get() {
        return 'inherited';
      },
    });
    try {
      const loaded = deserialize<Record<string, unknown>>(bytes);
      expect(setterCalls).toBe(0);
      expect(Object.hasOwn(loaded, 'trap')).toBe(true);
      expect(Object.getOwnPropertyDescriptor(loaded, 'trap')?.value).toBe(1);
    } finally {
      delete (Object.prototype as Record<string, unknown>).trap;
    }
  });
});

describe('arrays', () => {
  it('keeps holes: `i in arr` is false for a hole and true for an explicit undefined', () => {
    // biome-ignore lint/suspicious/noSparseArray: holes are the point of this test
    const v = [1, , 3, undefined, ,];
    expect(v.length).toBe(5);
    const out = rt(v);
    expect(out.length).toBe(5);
    expect(0 in out).toBe(true);
    expect(1 in out).toBe(false);
    expect(2 in out).toBe(true);
    expect(3 in out).toBe(true);
    expect(out[3]).toBeUndefined();
    expect(4 in out).toBe(false);
    rtSame(v);
  });

  it('an all-holes array and a trailing hole keep their length', () => {
    const v = [new Array(7), [1, 2, 3]];
    v[1]!.length = 5;
    const out = rt(v);
    expect(out[0]!.length).toBe(7);
    expect(Object.keys(out[0]!)).toEqual([]);
    expect(out[1]!.length).toBe(5);
    expect(3 in out[1]!).toBe(false);
    rtSame(v);
  });

  it('a sparse array of length 1e9 with 2 elements is small on the wire and fast', () => {
    const v: string[] = [];
    v[5] = 'five';
    v[999_999_998] = 'last-but-one';
    v.length = 1_000_000_000;
    const t0 = performance.now();
    const bytes = serialize(v);
    expect(bytes.byteLength).toBeLessThan(4096);
    const out = rt(v);
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(Array.isArray(out)).toBe(true);
    expect(out.length).toBe(1_000_000_000);
    expect(Object.keys(out)).toEqual(['5', '999999998']);
    expect(out[5]).toBe('five');
    expect(out[999_999_998]).toBe('last-but-one');
    expect(0 in out).toBe(false);
  });

  it('nested arrays, empty arrays and arrays of mixed types', () => {
    rtSame([[], [[]], [1, 'a', null, undefined, [true, [2n]]], { a: [] }]);
  });

  it('a large dense array round-trips', () => {
    const v = Array.from({ length: 100_000 }, (_, i) =>
      i % 3 === 0 ? i : i % 3 === 1 ? `s${i}` : -i / 7,
    );
    rtSame(v);
  });
});
