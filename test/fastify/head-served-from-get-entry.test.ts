import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { appWith } from './helpers.js';

let app: FastifyInstance;
afterEach(() => app?.close());

describe('HEAD', () => {
  it('is answered from the GET entry, with its headers and no body', async () => {
    app = await appWith({ ttl: 60_000 });
    let calls = 0;
    app.get('/doc', { config: { cache: true } }, async (_req, reply) => {
      calls++;
      reply.type('text/plain');
      return 'hello world';
    });
    const get = await app.inject('/doc');
    const head = await app.inject({ method: 'HEAD', url: '/doc' });
    expect(calls).toBe(1);
    expect(head.statusCode).toBe(200);
    expect(head.headers['x-cache']).toBe('HIT');
    expect(head.headers['content-type']).toBe(get.headers['content-type']);
    expect(head.headers['content-length']).toBe('11');
    expect(head.headers.etag).toBe(get.headers.etag);
    expect(head.body).toBe('');
  });

  it('a HEAD miss runs the handler and stores nothing', async () => {
    app = await appWith({ ttl: 60_000 });
    let calls = 0;
    app.get('/doc', { config: { cache: true } }, async () => `call ${++calls}`);
    const head = await app.inject({ method: 'HEAD', url: '/doc' });
    expect(head.headers['x-cache']).toBe('MISS');
    expect((await app.inject('/doc')).headers['x-cache']).toBe('MISS');
    expect(calls).toBe(2);
  });
});
