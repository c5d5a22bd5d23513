import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { appWith } from './helpers.js';

let app: FastifyInstance;
afterEach(() => app?.close());

async function setup() {
  app = await appWith({ ttl: 60_000 });
  app.get('/doc', { config: { cache: true } }, async (_req, reply) => {
    reply.header('cache-control', 'public, max-age=60');
    return { doc: 1 };
  });
  const first = await app.inject('/doc');
  return String(first.headers.etag);
}

describe('If-None-Match', () => {
  it.each([
    ['the exact tag', (e: string) => e],
    ['a list containing it', (e: string) => `"nope", ${e}, "other"`],
    ['its weak form', (e: string) => `W/${e}`],
    ['*', () => '*'],
  ])('%s gets 304 on GET and HEAD', async (_name, header) => {
    const etag = await setup();
    for (const method of ['GET', 'HEAD'] as const) {
      const res = await app.inject({
        method,
        url: '/doc',
        headers: { 'if-none-match': header(etag) },
      });
      expect(res.statusCode).toBe(304);
      expect(res.body).toBe('');
      expect(res.headers.etag).toBe(etag);
      expect(res.headers['cache-control']).toBe('public, max-age=60');
      expect(res.headers['content-type']).toBeUndefined();
    }
  });

  it('a non-matching tag gets the full 200', async () => {
    await setup();
    const res = await app.inject({ url: '/doc', headers: { 'if-none-match': '"other", W/"x"' } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ doc: 1 });
  });

  it('a matching tag on the storing miss gets 304 too', async () => {
    const etag = await setup();
    await app.keepsake.invalidate({ url: '/doc' });
    const res = await app.inject({ url: '/doc', headers: { 'if-none-match': etag } });
    expect(res.headers['x-cache']).toBe('MISS');
    expect(res.statusCode).toBe(304);
    expect(res.body).toBe('');
  });
});
