import { describe, expect, it } from 'vitest';
import { createCache } from '../../src/cache.js';
import { isKeepsakeError } from '../../src/errors.js';
import { memoryStore } from '../../src/stores/memory-store.js';
import { AsyncByteStore } from './helpers.js';

describe('close', () => {
  it('waits for background writes, closes the tiers, and is idempotent', async () => {
    const remote = new AsyncByteStore();
    let closed = 0;
    Object.assign(remote, { close: async () => void closed++ });
    const cache = createCache({ tiers: [memoryStore(), remote] });
    await cache.wrap('k', () => 1); // the remote write continues in the background
    await Promise.all([cache.close(), cache.close()]);
    expect(remote.inner.map.has('k')).toBe(true);
    expect(closed).toBe(1);
  });

  it('refuses use after close with ERR_CLOSED, but still reports stats', async () => {
    const cache = createCache();
    await cache.set('k', 1);
    await cache.close();
    await expect(cache.get('k')).rejects.toSatisfy((e) => isKeepsakeError(e, 'ERR_CLOSED'));
    await expect(cache.wrap('k', () => 2)).rejects.toSatisfy((e) =>
      isKeepsakeError(e, 'ERR_CLOSED'),
    );
    await expect(cache.set('k', 2)).rejects.toSatisfy((e) => isKeepsakeError(e, 'ERR_CLOSED'));
    expect(() => cache.getSync('k')).toThrow(expect.objectContaining({ code: 'ERR_CLOSED' }));
    expect(cache.stats().sets).toBe(1);
  });
});
