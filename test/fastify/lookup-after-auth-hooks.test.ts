import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { appWith } from './helpers.js';

let app: FastifyInstance;
afterEach(() => app?.close());

/** An auth hook that looks at a header keepsake does not treat as a credential. */
async function requireToken(request: FastifyRequest, reply: FastifyReply) {
  if (request.headers['x-token'] !== 'secret') return reply.code(401).send({ error: 'no' });
}

describe('the lookup runs after the app auth hooks', () => {
  it('a route-level preHandler auth hook still rejects when the response is cached', async () => {
    app = await appWith({ ttl: 60_000 });
    app.get('/private', { preHandler: requireToken, config: { cache: true } }, async () => ({
      data: 'x',
    }));
    const ok = await app.inject({ url: '/private', headers: { 'x-token': 'secret' } });
    expect(ok.statusCode).toBe(200);
    expect(
      (await app.inject({ url: '/private', headers: { 'x-token': 'secret' } })).headers['x-cache'],
    ).toBe('HIT');
    const denied = await app.inject('/private');
    expect(denied.statusCode).toBe(401);
    expect(denied.body).not.toContain('"data"');
  });

  it('a global onRequest auth hook still rejects when the response is cached', async () => {
    app = await appWith({ ttl: 60_000 });
    app.addHook('onRequest', requireToken);
    app.get('/private', { config: { cache: true } }, async () => ({ data: 'x' }));
    await app.inject({ url: '/private', headers: { 'x-token': 'secret' } });
    expect((await app.inject('/private')).statusCode).toBe(401);
  });

  it('a public route is looked up in onRequest, before the route hooks', async () => {
    app = await appWith({ ttl: 60_000 });
    let hooks = 0;
    app.get(
      '/public',
      {
        onRequest: async () => {
          hooks++;
        },
        preHandler: async () => {
          hooks++;
        },
        config: { cache: { public: true } },
      },
      async () => ({ data: 'x' }),
    );
    await app.inject('/public');
    expect(hooks).toBe(2);
    const hit = await app.inject('/public');
    expect(hit.headers['x-cache']).toBe('HIT');
    expect(hooks).toBe(2);
  });

  it('a public route still bypasses credentials without a key', async () => {
    app = await appWith({ ttl: 60_000 });
    app.get('/public', { config: { cache: { public: true } } }, async () => ({ data: 'x' }));
    await app.inject('/public');
    const res = await app.inject({ url: '/public', headers: { cookie: 'sid=1' } });
    expect(res.headers['x-cache']).toBe('BYPASS');
  });
});
