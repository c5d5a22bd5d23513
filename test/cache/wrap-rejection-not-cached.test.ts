import { describe, expect, it } from 'vitest';
import { createCache } from '../../src/cache.js';
import { deferred } from './helpers.js';

describe('wrap rejections', () => {
  it('gives every waiter the rejection and does not cache it', async () => {
    const cache = createCache();
    const gate = deferred<number>();
    let computes = 0;
    const compute = () => {
      computes++;
      return gate.promise;
    };
    const calls = Array.from({ length: 50 }, () => cache.wrap('k', compute));
    const boom = new Error('boom');
    gate.reject(boom);
    const settled = await Promise.allSettled(calls);
    expect(settled.every((s) => s.status === 'rejected' && s.reason === boom)).toBe(true);
    expect(computes).toBe(1);
    expect(await cache.get('k')).toBeUndefined();
    expect(cache.stats().inFlight).toBe(0);
    expect(cache.stats().errors).toBe(0);

    expect(await cache.wrap('k', () => 7)).toBe(7);
  });

  it('lets a waiter retry from its catch handler with a fresh computation', async () => {
    const cache = createCache();
    const first = cache.wrap('k', () => Promise.reject(new Error('once')));
    const retried = first.catch(() => cache.wrap('k', () => 'second try'));
    expect(await retried).toBe('second try');
  });

  it('treats a synchronous throw like a rejection', async () => {
    const cache = createCache();
    await expect(
      cache.wrap('k', () => {
        throw new TypeError('sync');
      }),
    ).rejects.toThrow('sync');
    expect(() =>
      cache.wrapSync('k', () => {
        throw new TypeError('sync');
      }),
    ).toThrow('sync');
    expect(cache.getSync('k')).toBeUndefined();
  });
});
