import { describe, expect, it } from 'vitest';
import { createCache } from '../../src/cache.js';
import { deferred, manualClock } from './helpers.js';

describe('stale-while-revalidate', () => {
  it('serves the stale value at once and runs exactly one background refresh', async () => {
    const clock = manualClock();
    const cache = createCache({ ttl: 100, staleWhileRevalidate: 1_000, now: clock.now });
    expect(await cache.wrap('k', () => 'v1')).toBe('v1');
    clock.advance(150);

    const next = deferred<string>();
    let computes = 0;
    const compute = () => {
      computes++;
      return next.promise;
    };
    const served = await Promise.all(Array.from({ length: 10 }, () => cache.wrap('k', compute)));
    expect(served).toEqual(Array(10).fill('v1'));
    await Promise.resolve();
    expect(computes).toBe(1);
    expect(cache.stats().inFlight).toBe(1);

    next.resolve('v2');
    await next.promise;
    await new Promise((resolve) => setImmediate(resolve));
    expect(await cache.wrap('k', compute)).toBe('v2');
    expect(computes).toBe(1);
    expect(cache.stats().inFlight).toBe(0);
  });

  it('keeps serving the stale value when the refresh fails, and counts the failure', async () => {
    const clock = manualClock();
    const cache = createCache({ ttl: 100, staleWhileRevalidate: 1_000, now: clock.now });
    await cache.wrap('k', () => 'v1');
    clock.advance(150);
    expect(await cache.wrap('k', () => Promise.reject(new Error('backend down')))).toBe('v1');
    await new Promise((resolve) => setImmediate(resolve));
    expect(cache.stats().errors).toBe(1);
    expect(await cache.get('k')).toBe('v1');
  });

  it('recomputes in the foreground once the stale window has passed', async () => {
    const clock = manualClock();
    const cache = createCache({ ttl: 100, staleWhileRevalidate: 100, now: clock.now });
    await cache.wrap('k', () => 'v1');
    clock.advance(200);
    expect(await cache.wrap('k', () => 'v2')).toBe('v2');
  });

  it('refreshes a stale value of a sync wrap in a microtask', async () => {
    const clock = manualClock();
    const cache = createCache({ ttl: 100, staleWhileRevalidate: 1_000, now: clock.now });
    expect(cache.wrapSync('k', () => 1)).toBe(1);
    clock.advance(101);
    let calls = 0;
    expect(cache.wrapSync('k', () => ++calls + 1)).toBe(1);
    expect(calls).toBe(0);
    await Promise.resolve();
    await Promise.resolve();
    expect(calls).toBe(1);
    expect(cache.getSync('k')).toBe(2);
  });
});
