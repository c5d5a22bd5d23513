import { describe, expect, it } from 'vitest';
import { isKeepsakeError, memoize } from '../../src/index.js';

const bad: Array<[string, unknown]> = [
  ['a typo', { ttL: 5 }],
  ['a negative ttl', { ttl: -1 }],
  ['a ttl that is a string', { ttl: '5s' }],
  ['tiers with memory', { tiers: [], memory: { max: 1 } }],
  ['memory false and nowhere else', { memory: false }],
  ['a zero memory bound', { memory: { max: 0 } }],
  ['cacheRejections without ttl', { cacheRejections: {} }],
  ['dependsOn that is not functions', { dependsOn: ['x'] }],
  ['a key that is not a function', { key: 'id' }],
];

describe('bad options are ERR_OPTIONS when wrapping, never at the first call', () => {
  for (const [what, options] of bad) {
    it(`${what}: memoize(fn, options) throws`, () => {
      let thrown: unknown;
      try {
        memoize(() => 1, options as never);
      } catch (err) {
        thrown = err;
      }
      expect(isKeepsakeError(thrown, 'ERR_OPTIONS')).toBe(true);
      expect((thrown as { hint?: string }).hint).toBeTruthy();
    });
    it(`${what}: memoize(options) as a decorator throws`, () => {
      expect(() => memoize(options as never)).toThrowError(
        expect.objectContaining({ code: 'ERR_OPTIONS' }),
      );
    });
  }

  it('a decorator on a field is ERR_OPTIONS at class definition', () => {
    const decorate = memoize();
    expect(() =>
      (decorate as unknown as (v: unknown, c: unknown) => unknown)(undefined, {
        kind: 'field',
        name: 'x',
      }),
    ).toThrowError(expect.objectContaining({ code: 'ERR_OPTIONS' }));
  });
});
