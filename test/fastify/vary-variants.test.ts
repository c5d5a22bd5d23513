import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { memoryStore } from '../../src/index.js';
import { appWith } from './helpers.js';

let app: FastifyInstance;
afterEach(() => app?.close());

describe('Vary', () => {
  it("the response's Vary splits entries by the request's header values", async () => {
    app = await appWith({ ttl: 60_000 });
    let calls = 0;
    app.get('/greet', { config: { cache: true } }, async (req, reply) => {
      calls++;
      reply.header('vary', 'Accept-Language');
      return req.headers['accept-language'] === 'fr' ? 'bonjour' : 'hello';
    });
    const lang = (l: string) => app.inject({ url: '/greet', headers: { 'accept-language': l } });
    expect((await lang('fr')).body).toBe('bonjour');
    expect((await lang('en')).body).toBe('hello');
    const fr = await lang('fr');
    expect(fr.body).toBe('bonjour');
    expect(fr.headers['x-cache']).toBe('HIT');
    expect(fr.headers.vary).toBe('Accept-Language');
    expect((await lang('en')).headers['x-cache']).toBe('HIT');
    expect(calls).toBe(2);
  });

  it('the route vary option keys on headers up front', async () => {
    app = await appWith({ ttl: 60_000 });
    app.get(
      '/t',
      { config: { cache: { vary: ['X-Tenant'] } } },
      async (req) => `t=${req.headers['x-tenant']}`,
    );
    await app.inject({ url: '/t', headers: { 'x-tenant': 'a' } });
    expect((await app.inject({ url: '/t', headers: { 'x-tenant': 'b' } })).body).toBe('t=b');
    expect((await app.inject({ url: '/t', headers: { 'x-tenant': 'a' } })).headers['x-cache']).toBe(
      'HIT',
    );
  });

  it('Vary: * is never stored', async () => {
    app = await appWith({ ttl: 60_000 });
    let calls = 0;
    app.get('/star', { config: { cache: true } }, async (_req, reply) => {
      reply.header('vary', '*');
      return `call ${++calls}`;
    });
    await app.inject('/star');
    expect((await app.inject('/star')).body).toBe('call 2');
  });

  it('variants per URL are bounded: the oldest goes first', async () => {
    const store = memoryStore();
    app = await appWith({ ttl: 60_000, maxVariants: 3, tiers: [store] });
    let calls = 0;
    app.get('/v', { config: { cache: true } }, async (req, reply) => {
      calls++;
      reply.header('vary', 'x-v');
      return `v=${req.headers['x-v']}`;
    });
    for (let i = 0; i < 50; i++) await app.inject({ url: '/v', headers: { 'x-v': String(i) } });
    // One index and at most three variants.
    expect(store.usage().entries).toBeLessThanOrEqual(4);
    expect((await app.inject({ url: '/v', headers: { 'x-v': '49' } })).headers['x-cache']).toBe(
      'HIT',
    );
    expect((await app.inject({ url: '/v', headers: { 'x-v': '0' } })).headers['x-cache']).toBe(
      'MISS',
    );
    expect(calls).toBe(51);
  });

  it('a response that changes its Vary replaces the index', async () => {
    app = await appWith({ ttl: 60_000 });
    let mode = 'a';
    app.get('/m', { config: { cache: true } }, async (req, reply) => {
      reply.header('vary', mode === 'a' ? 'x-a' : 'x-b');
      return `${mode}:${req.headers['x-a']}:${req.headers['x-b']}`;
    });
    await app.inject({ url: '/m', headers: { 'x-a': '1' } });
    mode = 'b';
    await app.keepsake.invalidate({ url: '/m' });
    await app.inject({ url: '/m', headers: { 'x-b': '1' } });
    const res = await app.inject({ url: '/m', headers: { 'x-b': '1', 'x-a': '2' } });
    expect(res.headers['x-cache']).toBe('HIT');
    expect(res.body).toBe('b:undefined:1');
  });
});
