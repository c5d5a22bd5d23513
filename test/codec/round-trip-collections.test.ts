import { describe, expect, it } from 'vitest';
import { rt, rtSame } from './helpers/roundtrip.js';

describe('Map and Set', () => {
  it('Map with keys of every kind keeps entries and insertion order', () => {
    const objKey = { id: 1 };
    const arrKey = [1, 2];
    const m = new Map<unknown, unknown>([
      ['z', 1],
      ['a', 2],
      [1, 'one'],
      ['1', 'string one'],
      [1n, 'bigint one'],
      [-0, 'minus zero'],
      [Number.NaN, 'nan'],
      [null, 'null'],
      [undefined, 'undefined'],
      [true, 'true'],
      [objKey, 'object'],
      [arrKey, 'array'],
      [new Date(0), 'date'],
      ['__proto__', 'proto string key'],
    ]);
    const out = rt(m);
    expect(out).toBeInstanceOf(Map);
    expect(out.size).toBe(m.size);
    expect([...out.keys()].slice(0, 2)).toEqual(['z', 'a']);
    expect(out.get(1)).toBe('one');
    expect(out.get('1')).toBe('string one');
    expect(out.get(1n)).toBe('bigint one');
    expect(out.get(Number.NaN)).toBe('nan');
    expect(out.get('__proto__')).toBe('proto string key');
    const keys = [...out.keys()];
    const oKey = keys[10] as { id: number };
    expect(oKey).toEqual({ id: 1 });
    expect(out.get(oKey)).toBe('object');
    rtSame(m);
  });

  it('a Map key object shared with a value keeps identity', () => {
    const k = { shared: true };
    const v = { m: new Map([[k, k]]), k };
    const out = rt(v);
    const [ok, ov] = [...out.m][0]!;
    expect(ok).toBe(ov);
    expect(ok).toBe(out.k);
    expect(out.m.get(out.k)).toBe(out.k);
  });

  it('Set of mixed values keeps members and order', () => {
    const o = { x: 1 };
    const s = new Set<unknown>([3, 1, 2, 'a', 1n, null, undefined, o, -0, Number.NaN, [1]]);
    const out = rt(s);
    expect(out).toBeInstanceOf(Set);
    expect(out.size).toBe(s.size);
    expect([...out].slice(0, 3)).toEqual([3, 1, 2]);
    expect(out.has(Number.NaN)).toBe(true);
    rtSame(s);
  });

  it('nested Maps and Sets, empty ones too', () => {
    rtSame(new Map<unknown, unknown>([[new Set([new Map()]), new Map([[new Set(), []]])]]));
    rtSame([new Map(), new Set()]);
  });
});

describe('Date', () => {
  it('valid dates keep their millisecond time value', () => {
    const dates = [
      new Date(0),
      new Date(-1),
      new Date('2024-02-29T23:59:59.999Z'),
      new Date(8.64e15),
      new Date(-8.64e15),
      new Date(1.5),
    ];
    const out = rt(dates);
    for (let i = 0; i < dates.length; i++) {
      expect(out[i]).toBeInstanceOf(Date);
      expect(out[i]!.getTime()).toBe(dates[i]!.getTime());
    }
  });

  it('an invalid date stays an invalid Date', () => {
    const out = rt(new Date(Number.NaN));
    expect(out).toBeInstanceOf(Date);
    expect(Number.isNaN(out.getTime())).toBe(true);
  });
});

describe('RegExp', () => {
  it('keeps source and every flag', () => {
    const res = [
      /abc/,
      /a.b/gimsuy,
      /x/d,
      /[\u{1F600}-\u{1F64F}]/u,
      /\//g,
      /(?:)/,
      /^(?<year>\d{4})-(?<m>\d\d)$/,
      /\p{L}+/u,
    ];
    const out = rt(res);
    for (let i = 0; i < res.length; i++) {
      const o = out[i]!;
      expect(o).toBeInstanceOf(RegExp);
      expect(o.source).toBe(res[i]!.source);
      expect(o.flags).toBe(res[i]!.flags);
    }
    expect(out[1]!.test('A\nB')).toBe(true);
  });

  it('the v flag where supported', () => {
    let re: RegExp;
    try {
      // biome-ignore lint/complexity/useRegexLiterals: a v-flag literal needs an ES2024 target
      re = new RegExp('[\\p{L}--[a-z]]', 'v');
    } catch {
      return; // engine without the v flag
    }
    const out = rt(re);
    expect(out.flags).toBe(re.flags);
    expect(out.source).toBe(re.source);
  });
});
