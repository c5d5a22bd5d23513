import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { memoryStore } from '../../src/index.js';
import { appWith } from './helpers.js';

let app: FastifyInstance;
afterEach(() => app?.close());

describe('bounded memory', () => {
  it('a flood of distinct query strings stays within the configured bytes and entries', async () => {
    const store = memoryStore({ max: 200, maxBytes: 256 * 1024 });
    app = await appWith({ ttl: 60_000, tiers: [store] });
    app.get('/search', { config: { cache: true } }, async (req) => ({
      q: req.query,
      pad: 'p'.repeat(2000),
    }));
    let maxBytes = 0;
    let maxEntries = 0;
    for (let i = 0; i < 3000; i++) {
      await app.inject(`/search?q=${i}&x=${'y'.repeat(i % 50)}`);
      const usage = store.usage();
      maxBytes = Math.max(maxBytes, usage.bytes ?? 0);
      maxEntries = Math.max(maxEntries, usage.entries ?? 0);
    }
    expect(maxBytes).toBeLessThanOrEqual(256 * 1024);
    expect(maxEntries).toBeLessThanOrEqual(200);
    expect(app.keepsake.stats().cache.evictions).toBeGreaterThan(0);
  });

  it('the default tier is bounded too', async () => {
    app = await appWith({ ttl: 60_000 });
    const tier = app.keepsake.stats().cache.tiers[0]!;
    expect(tier.name).toBe('memory');
    expect(tier.bytes).toBeDefined();
  });
});
