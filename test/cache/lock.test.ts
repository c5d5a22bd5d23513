import { describe, expect, it } from 'vitest';
import { createCache } from '../../src/cache.js';
import { memoryStore } from '../../src/stores/memory-store.js';
import { AsyncByteStore, deferred } from './helpers.js';

describe('lock: one computation across caches sharing a lease tier', () => {
  it('makes the second "process" wait for the first one\'s result', async () => {
    const shared = new AsyncByteStore('shared');
    const a = createCache({ tiers: [memoryStore(), shared], lock: { pollInterval: 5 } });
    const b = createCache({ tiers: [memoryStore(), shared], lock: { pollInterval: 5 } });
    const gate = deferred<string>();
    let computes = 0;
    const compute = () => {
      computes++;
      return gate.promise;
    };
    const first = a.wrap('k', compute);
    await new Promise((resolve) => setTimeout(resolve, 20)); // a holds the lease by now
    const second = b.wrap('k', compute);
    await new Promise((resolve) => setTimeout(resolve, 20));
    gate.resolve('once');
    expect(await Promise.all([first, second])).toEqual(['once', 'once']);
    expect(computes).toBe(1);
    expect(shared.leases.size).toBe(0);
  });

  it("takes over when the holder's lease expires", async () => {
    let now = 1_000_000;
    const clock = () => now;
    const shared = new AsyncByteStore('shared', clock);
    await shared.acquire('k', 1_000); // a crashed holder
    const cache = createCache({
      tiers: [memoryStore({ now: clock }), shared],
      lock: { ttl: 1_000, pollInterval: 5 },
      now: clock,
    });
    const result = cache.wrap('k', () => 'mine');
    await new Promise((resolve) => setTimeout(resolve, 15));
    now += 1_001;
    expect(await result).toBe('mine');
  });
});
