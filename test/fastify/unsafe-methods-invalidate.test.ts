import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { appWith } from './helpers.js';

let app: FastifyInstance;
afterEach(() => app?.close());

describe('a successful POST/PUT/PATCH/DELETE to the same URL invalidates it', () => {
  it.each(['POST', 'PUT', 'PATCH', 'DELETE'] as const)('%s', async (method) => {
    app = await appWith({ ttl: 60_000 });
    let version = 1;
    app.get('/items/:id', { config: { cache: true } }, async () => ({ version }));
    app.route({
      method,
      url: '/items/:id',
      handler: async () => {
        version++;
        return { ok: true };
      },
    });
    await app.inject('/items/1?view=full');
    await app.inject('/items/2');
    expect((await app.inject('/items/1?view=full')).headers['x-cache']).toBe('HIT');
    expect((await app.inject({ method, url: '/items/1' })).statusCode).toBe(200);
    const after = await app.inject('/items/1?view=full');
    expect(after.headers['x-cache']).toBe('MISS');
    expect(after.json()).toEqual({ version: 2 });
    // Another URL is untouched.
    expect((await app.inject('/items/2')).headers['x-cache']).toBe('HIT');
  });

  it('a failed write does not invalidate', async () => {
    app = await appWith({ ttl: 60_000 });
    app.get('/items/:id', { config: { cache: true } }, async () => ({ v: 1 }));
    app.post('/items/:id', async (_req, reply) => reply.code(400).send({ error: 'bad' }));
    await app.inject('/items/1');
    await app.inject({ method: 'POST', url: '/items/1' });
    expect((await app.inject('/items/1')).headers['x-cache']).toBe('HIT');
  });

  it('percent-encoded and trailing-slash spellings of the path invalidate too', async () => {
    app = await appWith({ ttl: 60_000 }, { ignoreTrailingSlash: true });
    app.get('/items/:id', { config: { cache: true } }, async () => ({ v: 1 }));
    app.delete('/items/:id', async () => ({ ok: true }));
    await app.inject('/items/5');
    await app.inject({ method: 'DELETE', url: '/items/%35/' });
    expect((await app.inject('/items/5')).headers['x-cache']).toBe('MISS');
  });
});
