import { describe, expect, it } from 'vitest';
import { registerClass, registerFunction } from '../../src/codec/registry.js';
import { hashKey } from '../../src/key/index.js';

class KeyPoint {
  constructor(
    public x: number,
    public y: number,
  ) {}
}
class KeyTemp {
  constructor(public c: number) {}
}
class KeyOther {
  constructor(
    public x: number,
    public y: number,
  ) {}
}
class KeyUnregistered {}
function keyDouble(n: number) {
  return n * 2;
}
registerClass(KeyPoint, { name: 'test.key.Point' });
registerClass(KeyOther, { name: 'test.key.Other' });
registerClass(KeyTemp, {
  name: 'test.key.Temp',
  version: 3,
  toState: (t) => ({ f: t.c * 1.8 + 32 }),
});
registerFunction(keyDouble, 'test.key.double');

describe('registered classes and functions', () => {
  it('includes the registered name and the state', () => {
    expect(hashKey(new KeyPoint(1, 2))).toBe(hashKey(new KeyPoint(1, 2)));
    expect(hashKey(new KeyPoint(1, 2))).not.toBe(hashKey(new KeyPoint(2, 1)));
    expect(hashKey(new KeyPoint(1, 2))).not.toBe(hashKey(new KeyOther(1, 2)));
    expect(hashKey(new KeyPoint(1, 2))).not.toBe(hashKey({ x: 1, y: 2 }));
  });

  it('uses toState', () => {
    expect(hashKey(new KeyTemp(100))).toBe(hashKey(new KeyTemp(100)));
    expect(hashKey(new KeyTemp(100))).not.toBe(hashKey(new KeyTemp(0)));
  });

  it('handles an instance that refers to itself', () => {
    const p = new KeyPoint(1, 2) as KeyPoint & { me?: unknown };
    p.me = p;
    const q = new KeyPoint(1, 2) as KeyPoint & { me?: unknown };
    q.me = q;
    expect(hashKey(p)).toBe(hashKey(q));
  });

  it('keys registered functions by name', () => {
    expect(hashKey({ op: keyDouble })).toBe(hashKey({ op: keyDouble }));
    expect(hashKey({ op: keyDouble })).not.toBe(hashKey({ op: 'test.key.double' }));
  });
});

describe('ERR_UNSERIALIZABLE', () => {
  const cases: Array<[string, unknown]> = [
    ['an unregistered function', { users: [0, 1, 2, { onClick() {} }] }],
    ['an unregistered class instance', [new KeyUnregistered()]],
    ['a Symbol', Symbol('s')],
    ['a WeakMap', new WeakMap()],
    ['a Promise', Promise.resolve(1)],
    ['a Map subclass', new (class extends Map {})()],
  ];
  for (const [what, value] of cases) {
    it(`throws for ${what}`, () => {
      expect(() => hashKey(value)).toThrow(expect.objectContaining({ code: 'ERR_UNSERIALIZABLE' }));
    });
  }

  it('names the path to the value and how to fix it', () => {
    try {
      hashKey({ users: [0, 1, 2, { onClick() {} }] });
      expect.unreachable();
    } catch (err) {
      expect(err).toMatchObject({ code: 'ERR_UNSERIALIZABLE' });
      expect((err as Error).message).toContain('$.users[3].onClick');
      expect((err as { hint?: string }).hint).toBeTruthy();
    }
  });

  it('names paths through Maps, Sets, errors, registered classes and several parts', () => {
    const fn = () => {};
    const pathOf = (...parts: unknown[]) => {
      try {
        hashKey(...parts);
      } catch (err) {
        return / at (.+?)\. Hint/.exec((err as Error).message)?.[1];
      }
      return undefined;
    };
    expect(pathOf({ m: new Map([['k', { f: fn }]]) })).toBe('$.m<mapValue 0>.f');
    expect(pathOf({ m: new Map([[fn, 1]]) })).toBe('$.m<mapKey 0>');
    expect(pathOf(new Set([1, [fn]]))).toBe('$<setItem 1>[0]');
    expect(pathOf(new Error('x', { cause: { f: fn } }))).toBe('$.cause.f');
    expect(pathOf(new KeyUnregistered(), 'x')).toBe('$[0]');
    const p = new KeyPoint(1, 2) as KeyPoint & { cb?: unknown };
    p.cb = fn;
    expect(pathOf('a', [p])).toBe('$[1][0].cb');
    expect(pathOf({ 'odd key': [new KeyUnregistered()] })).toBe('$["odd key"][0]');
  });
});
