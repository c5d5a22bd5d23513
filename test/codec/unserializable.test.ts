import { describe, expect, it } from 'vitest';
import { serialize } from '../../src/codec/index.js';
import { expectThrowsCode } from './helpers/errors.js';

describe('values the codec refuses: ERR_UNSERIALIZABLE', () => {
  it('an unregistered function names its path ($.users[3].onClick)', () => {
    const users = [{}, {}, {}, { name: 'd', onClick: () => 'clicked' }];
    const err = expectThrowsCode(() => serialize({ users }), 'ERR_UNSERIALIZABLE');
    expect(err.message).toContain('$.users[3].onClick');
    expect(err.hint ?? '').not.toBe('');
  });

  class NotRegistered {
    x = 1;
  }
  class MyMap extends Map<unknown, unknown> {}
  class MyArray extends Array {}
  class MyDate extends Date {}
  class MyBytes extends Uint8Array {}
  function* gen(): Generator<number> {
    yield 1;
  }

  const cases: Array<[string, () => unknown]> = [
    ['Symbol', () => Symbol('s')],
    ['registered-looking Symbol.for', () => Symbol.for('app.key')],
    ['WeakMap', () => new WeakMap()],
    ['WeakSet', () => new WeakSet()],
    ['WeakRef', () => new WeakRef({})],
    ['Promise', () => Promise.resolve(1)],
    ['unregistered function', () => function plain() {}],
    ['arrow function', () => () => 1],
    ['async function', () => async () => 1],
    ['bound function', () => (() => 1).bind(null)],
    ['class constructor', () => NotRegistered],
    ['unregistered class instance', () => new NotRegistered()],
    ['object with a custom prototype', () => Object.create({ inherited: 1 })],
    ['generator object', () => gen()],
    // subclasses of built-ins must not be silently stored as their base class
    ['unregistered Map subclass', () => new MyMap([[1, 2]])],
    ['unregistered Array subclass', () => MyArray.from([1])],
    ['unregistered Date subclass', () => new MyDate(0)],
    ['unregistered Uint8Array subclass', () => new MyBytes(2)],
    ['Proxy of a function', () => new Proxy(() => 1, {})],
  ];

  it.each(cases)('%s at the root throws ERR_UNSERIALIZABLE', (_name, make) => {
    expectThrowsCode(() => serialize(make()), 'ERR_UNSERIALIZABLE');
  });

  it.each(cases)('%s nested throws ERR_UNSERIALIZABLE naming the path', (_name, make) => {
    const err = expectThrowsCode(() => serialize({ a: { b: [0, make()] } }), 'ERR_UNSERIALIZABLE');
    expect(err.message).toContain('$.a.b[1]');
  });

  it('a Symbol as a Map value, a Set member and inside an Error property also throws', () => {
    expectThrowsCode(() => serialize(new Map([['k', Symbol('v')]])), 'ERR_UNSERIALIZABLE');
    expectThrowsCode(() => serialize(new Set([Symbol('v')])), 'ERR_UNSERIALIZABLE');
    expectThrowsCode(
      () => serialize(Object.assign(new Error('e'), { fn: () => 1 })),
      'ERR_UNSERIALIZABLE',
    );
    expectThrowsCode(
      () => serialize(new Error('e', { cause: new WeakMap() })),
      'ERR_UNSERIALIZABLE',
    );
  });

  it('an unregistered function deep inside a cycle still fails (no infinite loop)', () => {
    const o: Record<string, unknown> = {};
    o.self = o;
    o.list = [o, { f: () => 1 }];
    const err = expectThrowsCode(() => serialize(o), 'ERR_UNSERIALIZABLE');
    expect(err.message).toContain('$.list[1].f');
  });

  it('serialize leaves the input untouched when it fails', () => {
    const v = { a: [1, 2], f: () => 1 };
    const before = JSON.stringify(v);
    expectThrowsCode(() => serialize(v), 'ERR_UNSERIALIZABLE');
    expect(JSON.stringify(v)).toBe(before);
    expect(Object.keys(v)).toEqual(['a', 'f']);
  });
});
