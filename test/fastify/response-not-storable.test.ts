import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { appWith } from './helpers.js';

let app: FastifyInstance;
afterEach(() => app?.close());

describe('responses that are never stored', () => {
  it.each([
    ['set-cookie', 'sid=secret; HttpOnly'],
    ['cache-control', 'private'],
    ['cache-control', 'private="x-user"'],
    ['cache-control', 'no-store'],
    ['cache-control', 'no-cache'],
    ['cache-control', 'public, max-age=60, no-store'],
    ['vary', '*'],
  ])('%s: %s', async (name, value) => {
    app = await appWith({ ttl: 60_000 });
    let calls = 0;
    app.get('/r', { config: { cache: true } }, async (_req, reply) => {
      reply.header(name, value);
      return `call ${++calls}`;
    });
    expect((await app.inject('/r')).headers['x-cache']).toBe('MISS');
    const second = await app.inject('/r');
    expect(second.body).toBe('call 2');
    expect(second.headers['x-cache']).toBe('MISS');
  });

  it('a GET with a body is neither served from nor stored in the cache', async () => {
    app = await appWith({ ttl: 60_000 });
    let calls = 0;
    app.get('/q', { config: { cache: true } }, async () => `call ${++calls}`);
    const withBody = await app.inject({
      method: 'GET',
      url: '/q',
      payload: 'filter=1',
      headers: { 'content-type': 'text/plain' },
    });
    expect(withBody.headers['x-cache']).toBe('BYPASS');
    expect((await app.inject('/q')).body).toBe('call 2');
    const again = await app.inject({
      method: 'GET',
      url: '/q',
      payload: 'filter=1',
      headers: { 'content-type': 'text/plain' },
    });
    expect(again.body).toBe('call 3');
  });
});
