import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { appWith, manualClock } from './helpers.js';

let app: FastifyInstance;
afterEach(() => app?.close());

describe('headers on the way out', () => {
  it('x-cache, age, content type, end-to-end headers; hop-by-hop ones stripped', async () => {
    const clock = manualClock();
    app = await appWith({ ttl: 60_000, now: clock.now });
    app.get('/r', { config: { cache: true } }, async (_req, reply) => {
      reply.type('text/csv');
      reply.header('x-report', 'q3');
      reply.header('content-language', 'en');
      reply.header('keep-alive', 'timeout=5');
      reply.header('upgrade', 'h2c');
      reply.header('proxy-authenticate', 'Basic');
      return 'a,b\n1,2\n';
    });
    const miss = await app.inject('/r');
    expect(miss.headers['x-cache']).toBe('MISS');
    clock.advance(12_500);
    const hit = await app.inject('/r');
    expect(hit.headers['x-cache']).toBe('HIT');
    expect(hit.headers.age).toBe('12');
    expect(hit.headers['content-type']).toBe('text/csv');
    expect(hit.headers['x-report']).toBe('q3');
    expect(hit.headers['content-language']).toBe('en');
    expect(hit.headers['content-length']).toBe('8');
    for (const h of ['keep-alive', 'upgrade', 'proxy-authenticate']) {
      expect(hit.headers[h]).toBeUndefined();
    }
    expect(hit.body).toBe('a,b\n1,2\n');
  });

  it('no content-type on the hit when the miss had none (a stream sent without a type)', async () => {
    app = await appWith({ ttl: 60_000 });
    app.get('/raw', { config: { cache: true } }, async (_req, reply) =>
      reply.send(Readable.from([Buffer.from('raw bytes')])),
    );
    const miss = await app.inject('/raw');
    expect(miss.headers['content-type']).toBeUndefined();
    const hit = await app.inject('/raw');
    expect(hit.headers['x-cache']).toBe('HIT');
    expect(hit.body).toBe('raw bytes');
    expect(hit.headers['content-type']).toBeUndefined();
  });

  it('a strong etag, computed once at store time, the same on the miss and every hit', async () => {
    app = await appWith({ ttl: 60_000 });
    app.get('/r', { config: { cache: true } }, async () => ({ big: 'x'.repeat(1000) }));
    const miss = await app.inject('/r');
    const hit = await app.inject('/r');
    expect(miss.headers.etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    expect(hit.headers.etag).toBe(miss.headers.etag);
  });

  it("the handler's own etag is kept", async () => {
    app = await appWith({ ttl: 60_000 });
    app.get('/r', { config: { cache: true } }, async (_req, reply) => {
      reply.header('etag', '"v42"');
      return 'x';
    });
    await app.inject('/r');
    expect((await app.inject('/r')).headers.etag).toBe('"v42"');
  });

  it('reply.cacheStatus is visible to hooks', async () => {
    app = await appWith({ ttl: 60_000 });
    const seen: unknown[] = [];
    app.addHook('onResponse', async (_req, reply) => {
      seen.push(reply.cacheStatus);
    });
    app.get('/r', { config: { cache: true } }, async () => 'x');
    app.get('/plain', async () => 'x');
    await app.inject('/r');
    await app.inject('/r');
    await app.inject({ url: '/r', headers: { cookie: 'a=1' } });
    await app.inject('/plain');
    expect(seen).toEqual(['MISS', 'HIT', 'BYPASS', undefined]);
  });
});
