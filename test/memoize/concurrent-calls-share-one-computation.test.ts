import { describe, expect, it } from 'vitest';
import { memoize } from '../../src/index.js';
import { deferred } from '../helpers/deferred.js';

describe('concurrent calls', () => {
  it('1,000 concurrent calls on a cold key run the function once', async () => {
    const gate = deferred<number>();
    let calls = 0;
    const slow = memoize(async (id: number) => {
      calls++;
      return gate.promise.then((v) => v + id);
    });
    const all = Array.from({ length: 1000 }, () => slow(1));
    gate.resolve(41);
    const results = await Promise.all(all);
    expect(calls).toBe(1);
    expect(new Set(results)).toEqual(new Set([42]));
  });

  it('equal object arguments built separately share one computation', async () => {
    const gate = deferred<string>();
    let calls = 0;
    const search = memoize(async (query: { text: string; tags: string[] }) => {
      calls++;
      return `${await gate.promise}:${query.text}`;
    });
    const a = search({ text: 'x', tags: ['a', 'b'] });
    const b = search({ tags: ['a', 'b'], text: 'x' });
    gate.resolve('done');
    expect(await a).toBe('done:x');
    expect(await b).toBe('done:x');
    expect(calls).toBe(1);
  });

  it('a rejection reaches every waiter and is not cached', async () => {
    const gate = deferred<number>();
    let calls = 0;
    const flaky = memoize(async (_id: number) => {
      calls++;
      if (calls === 1) return gate.promise;
      return 7;
    });
    const waiters = Array.from({ length: 10 }, () => flaky(1));
    gate.reject(new Error('down'));
    const settled = await Promise.allSettled(waiters);
    expect(settled.every((s) => s.status === 'rejected')).toBe(true);
    expect(calls).toBe(1);
    expect(await flaky(1)).toBe(7);
    expect(calls).toBe(2);
  });
});
