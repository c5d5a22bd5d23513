import { describe, expect, it } from 'vitest';
import { rt, rtSame } from './helpers/roundtrip.js';

describe('primitives round-trip exactly', () => {
  it('undefined, null, booleans', () => {
    expect(rt(undefined)).toBeUndefined();
    expect(rt(null)).toBeNull();
    expect(rt(true)).toBe(true);
    expect(rt(false)).toBe(false);
    rtSame([undefined, null, true, false]);
  });

  it('keeps -0 (Object.is), also inside arrays, objects and Map keys', () => {
    expect(Object.is(rt(-0), -0)).toBe(true);
    expect(Object.is(rt(0), 0)).toBe(true);
    const out = rt({ a: [-0, 0], m: new Map([[-0, 'neg']]) });
    expect(Object.is(out.a[0], -0)).toBe(true);
    expect(Object.is(out.a[1], 0)).toBe(true);
    rtSame({ a: [-0, 0], x: -0 });
  });

  it('NaN, ±Infinity and extreme doubles', () => {
    expect(rt(Number.NaN)).toBeNaN();
    expect(rt(Number.POSITIVE_INFINITY)).toBe(Number.POSITIVE_INFINITY);
    expect(rt(Number.NEGATIVE_INFINITY)).toBe(Number.NEGATIVE_INFINITY);
    for (const n of [
      Number.MAX_VALUE,
      Number.MIN_VALUE,
      -Number.MIN_VALUE,
      Number.EPSILON,
      Number.MAX_SAFE_INTEGER,
      Number.MIN_SAFE_INTEGER,
      2 ** 53 + 2,
      -(2 ** 31),
      2 ** 31,
      2 ** 32,
      2 ** 32 - 1,
      -(2 ** 63),
      2 ** 64,
      0.1,
      1e-310,
      1 / 3,
      255,
      256,
      65535,
      65536,
      -1,
      -128,
      -129,
    ]) {
      expect(Object.is(rt(n), n), String(n)).toBe(true);
    }
  });

  it('BigInt: 0, small, negative, beyond 64 bits, huge', () => {
    const values = [
      0n,
      1n,
      -1n,
      2n ** 63n - 1n,
      -(2n ** 63n),
      2n ** 64n - 1n,
      2n ** 64n,
      -(2n ** 64n),
      2n ** 64n + 1n,
      -(2n ** 200n) + 12345n,
      3n ** 1000n,
      -(7n ** 777n),
    ];
    for (const v of values) expect(rt(v), String(v)).toBe(v);
    rtSame(values);
    expect(typeof rt(5n)).toBe('bigint');
  });

  it('strings: empty, astral, lone surrogates, NUL, long', () => {
    const strings = [
      '',
      'a',
      '\u0000',
      'héllo wörld',
      '日本語テキスト',
      '😀👨‍👩‍👧‍👦🏳️‍🌈',
      '\u{10FFFF}',
      '\uD800', // lone high surrogate
      '\uDFFF', // lone low surrogate
      'a\uD83Dz', // high surrogate followed by ascii
      '\uDE00\uD83D', // reversed pair
      `${'\uD800'.repeat(3)}x${'\uDC00'.repeat(2)}`,
      'x'.repeat(100_000),
      '€'.repeat(70_000),
      '\uFEFF bom',
      '\r\n\t\u2028\u2029',
      // Long strings are written as UTF-8 before a lone surrogate is looked for: one at the
      // start, the middle and the end, and U+FFFD that is really in the text, with and without.
      `\uDC00${'x'.repeat(300)}`,
      `${'x'.repeat(300)}\uD800${'y'.repeat(300)}`,
      `${'€'.repeat(300)}\uD83D`,
      `${'\uFFFD'.repeat(300)}`,
      `${'\uFFFD'.repeat(300)}\uDFFF`,
    ];
    for (const s of strings) {
      const out = rt(s);
      expect(out.length).toBe(s.length);
      expect(out === s, JSON.stringify(s.slice(0, 20))).toBe(true);
    }
    rtSame(strings);
  });

  it('numbers that look like other types stay numbers', () => {
    expect(typeof rt(1)).toBe('number');
    expect(typeof rt('1')).toBe('string');
    expect(typeof rt(1n)).toBe('bigint');
    rtSame([1, '1', 1n, true, new Number(1), new String('1'), Object(1n), new Boolean(true)]);
  });
});

describe('wrapper objects', () => {
  it('new Boolean/Number/String and Object(1n) come back as wrappers with their value', () => {
    const values = [
      new Boolean(false),
      new Boolean(true),
      new Number(-0),
      new Number(Number.NaN),
      new Number(42.5),
      new String(''),
      new String('a\uD800b'),
      Object(1n),
      Object(-(2n ** 100n)),
    ] as object[];
    const out = rt(values);
    for (let i = 0; i < values.length; i++) {
      const o = out[i]!;
      const v = values[i]!;
      expect(typeof o).toBe('object');
      expect(Object.getPrototypeOf(o)).toBe(Object.getPrototypeOf(v));
      expect(Object.is(o.valueOf(), v.valueOf())).toBe(true);
    }
    rtSame(values);
  });

  it('a falsy Boolean wrapper is still truthy after loading (it is an object)', () => {
    const out = rt(new Boolean(false));
    expect(out instanceof Boolean).toBe(true);
    expect(out.valueOf()).toBe(false);
  });
});
