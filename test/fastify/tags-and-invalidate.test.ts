import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { appWith } from './helpers.js';

let app: FastifyInstance;
afterEach(() => app?.close());

describe('tags and app.keepsake.invalidate', () => {
  it('config.cache.tags as a list', async () => {
    app = await appWith({ ttl: 60_000 });
    app.get('/a', { config: { cache: { tags: ['reports'] } } }, async () => 'a');
    app.get('/b', { config: { cache: { tags: ['users'] } } }, async () => 'b');
    await app.inject('/a');
    await app.inject('/b');
    expect(await app.keepsake.invalidate({ tags: ['reports'] })).toBe(1);
    expect((await app.inject('/a')).headers['x-cache']).toBe('MISS');
    expect((await app.inject('/b')).headers['x-cache']).toBe('HIT');
  });

  it('config.cache.tags as a function of the request', async () => {
    app = await appWith({ ttl: 60_000 });
    app.get(
      '/users/:id',
      { config: { cache: { tags: (req) => [`user:${(req.params as { id: string }).id}`] } } },
      async (req) => req.params,
    );
    await app.inject('/users/1');
    await app.inject('/users/2');
    expect(await app.keepsake.invalidate({ tags: ['user:2'] })).toBe(1);
    expect((await app.inject('/users/1')).headers['x-cache']).toBe('HIT');
    expect((await app.inject('/users/2')).headers['x-cache']).toBe('MISS');
  });

  it('reply.cacheTags from the handler', async () => {
    app = await appWith({ ttl: 60_000 });
    app.get('/posts/:id', { config: { cache: true } }, async (req, reply) => {
      reply.cacheTags('posts', `author:7`);
      return req.params;
    });
    await app.inject('/posts/1');
    await app.inject('/posts/2');
    expect(await app.keepsake.invalidate({ tags: ['author:7'] })).toBe(2);
  });

  it('invalidate({ url }) drops every query string and variant of that path', async () => {
    app = await appWith({ ttl: 60_000 });
    app.get('/list', { config: { cache: true } }, async (req, reply) => {
      reply.header('vary', 'accept-language');
      return req.query;
    });
    await app.inject('/list?page=1');
    await app.inject('/list?page=2');
    await app.inject({ url: '/list?page=2', headers: { 'accept-language': 'fr' } });
    expect(await app.keepsake.invalidate({ url: 'https://example.com/list?page=9' })).toBe(3);
    expect((await app.inject('/list?page=1')).headers['x-cache']).toBe('MISS');
  });

  it('reply.cacheTags on an uncached route is a no-op', async () => {
    app = await appWith({ ttl: 60_000 });
    app.get('/plain', async (_req, reply) => {
      reply.cacheTags('x');
      return 'ok';
    });
    expect((await app.inject('/plain')).statusCode).toBe(200);
  });
});
