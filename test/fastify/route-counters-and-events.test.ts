import diagnostics from 'node:diagnostics_channel';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { appWith } from './helpers.js';

let app: FastifyInstance;
afterEach(() => app?.close());

describe('per-route counters and events', () => {
  it('app.keepsake.stats() counts per route pattern; keepsake:http publishes each decision', async () => {
    const seen: unknown[] = [];
    const listener = (message: unknown) => seen.push(message);
    diagnostics.subscribe('keepsake:http', listener);
    try {
      app = await appWith({ ttl: 60_000 });
      app.get('/a/:id', { config: { cache: true } }, async () => 'a');
      app.get('/b', { config: { cache: true } }, async () => 'b');
      await app.inject('/a/1');
      await app.inject('/a/1');
      await app.inject('/a/2');
      await app.inject({ url: '/b', headers: { authorization: 'x' } });
      const { routes, cache } = app.keepsake.stats();
      expect(routes['/a/:id']).toEqual({ hits: 1, misses: 2, stale: 0, bypasses: 0, stores: 2 });
      expect(routes['/b']).toEqual({ hits: 0, misses: 0, stale: 0, bypasses: 1, stores: 0 });
      expect(cache.sets).toBe(2);
      expect(seen).toContainEqual({
        route: '/a/:id',
        method: 'GET',
        status: 'HIT',
        statusCode: 200,
      });
      expect(seen).toContainEqual({
        route: '/b',
        method: 'GET',
        status: 'BYPASS',
        statusCode: 200,
      });
    } finally {
      diagnostics.unsubscribe('keepsake:http', listener);
    }
  });
});
