import type { FastifyInstance, FastifyReply } from 'fastify';
import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import type { RouteCacheConfig } from '../../plugins/fastify/index.js';
import { appWith } from './helpers.js';

let app: FastifyInstance;
afterEach(() => app?.close());

describe('opt-in per route', () => {
  it('caches only routes with config.cache', async () => {
    app = await appWith({ ttl: 60_000 });
    let cached = 0;
    let plain = 0;
    app.get('/cached', { config: { cache: true } }, async () => ({ n: ++cached }));
    app.get('/plain', async () => ({ n: ++plain }));
    await app.inject('/cached');
    const hit = await app.inject('/cached');
    expect(hit.headers['x-cache']).toBe('HIT');
    expect(hit.json()).toEqual({ n: 1 });
    await app.inject('/plain');
    const again = await app.inject('/plain');
    expect(again.headers['x-cache']).toBeUndefined();
    expect(again.json()).toEqual({ n: 2 });
  });

  it('allRoutes caches every GET route unless config.cache is false', async () => {
    app = await appWith({ ttl: 60_000, allRoutes: true });
    let a = 0;
    let b = 0;
    app.get('/a', async () => ({ n: ++a }));
    app.get('/b', { config: { cache: false } }, async () => ({ n: ++b }));
    app.post('/a', async () => 'ok');
    await app.inject('/a');
    expect((await app.inject('/a')).headers['x-cache']).toBe('HIT');
    await app.inject('/b');
    expect((await app.inject('/b')).json()).toEqual({ n: 2 });
  });

  it('a route registered for several methods is cached for its GET', async () => {
    app = await appWith({ ttl: 60_000, allRoutes: true });
    let n = 0;
    app.route({ method: ['GET', 'POST'], url: '/proxy', handler: async () => ({ n: ++n }) });
    await app.inject('/proxy');
    expect((await app.inject('/proxy')).json()).toEqual({ n: 1 });
    const post = await app.inject({ method: 'POST', url: '/proxy' });
    expect(post.json()).toEqual({ n: 2 });
    expect(post.headers['x-cache']).toBeUndefined();
  });

  it('types config.cache, reply.cacheStatus, reply.cacheTags and app.keepsake', async () => {
    app = await appWith();
    expectTypeOf<RouteCacheConfig>().toMatchTypeOf<boolean | object>();
    expectTypeOf<FastifyReply['cacheStatus']>().toEqualTypeOf<
      'HIT' | 'MISS' | 'STALE' | 'BYPASS' | undefined
    >();
    expectTypeOf<FastifyReply['cacheTags']>().toEqualTypeOf<(...tags: string[]) => void>();
    expectTypeOf(app.keepsake.invalidate).returns.toEqualTypeOf<Promise<number>>();
    // Compile-time only: never called (the first would also fail at startup, rightly).
    const typed = (a: FastifyInstance) => {
      // @ts-expect-error ttl must be a number
      a.get('/typed', { config: { cache: { ttl: '1s' } } }, async () => 'x');
      a.get(
        '/typed2',
        { config: { cache: { ttl: 1000, tags: (req) => [req.url] } } },
        async () => 'x',
      );
    };
    expect(typeof typed).toBe('function');
  });
});
