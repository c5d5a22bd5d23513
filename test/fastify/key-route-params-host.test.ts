import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { appWith } from './helpers.js';

let app: FastifyInstance;
afterEach(() => app?.close());

describe('the key is built from route, params and host', () => {
  it('params make distinct entries', async () => {
    app = await appWith({ ttl: 60_000 });
    app.get('/users/:id', { config: { cache: true } }, async (req) => req.params);
    await app.inject('/users/1');
    const two = await app.inject('/users/2');
    expect(two.headers['x-cache']).toBe('MISS');
    expect(two.json()).toEqual({ id: '2' });
  });

  it('hosts make distinct entries', async () => {
    app = await appWith({ ttl: 60_000 });
    app.get('/', { config: { cache: true } }, async (req) => ({ host: req.host }));
    await app.inject({ url: '/', headers: { host: 'a.example' } });
    const b = await app.inject({ url: '/', headers: { host: 'b.example' } });
    expect(b.json()).toEqual({ host: 'b.example' });
    const a = await app.inject({ url: '/', headers: { host: 'A.EXAMPLE' } });
    expect(a.headers['x-cache']).toBe('HIT');
  });

  it('two routes matching similar URLs never share an entry', async () => {
    app = await appWith({ ttl: 60_000 });
    app.get('/files/:name', { config: { cache: true } }, async () => 'param route');
    app.get('/files/*', { config: { cache: true } }, async () => 'wildcard route');
    app.get('/files/readme', { config: { cache: true } }, async () => 'static route');
    expect((await app.inject('/files/readme')).body).toBe('static route');
    expect((await app.inject('/files/other')).body).toBe('param route');
    expect((await app.inject('/files/a/b')).body).toBe('wildcard route');
    expect((await app.inject('/files/readme')).body).toBe('static route');
  });

  it('versioned routes (constraints) never share an entry', async () => {
    app = await appWith({ ttl: 60_000 });
    app.get('/v', { constraints: { version: '1.0.0' }, config: { cache: true } }, async () => 'v1');
    app.get('/v', { constraints: { version: '2.0.0' }, config: { cache: true } }, async () => 'v2');
    expect((await app.inject({ url: '/v', headers: { 'accept-version': '1.x' } })).body).toBe('v1');
    expect((await app.inject({ url: '/v', headers: { 'accept-version': '2.x' } })).body).toBe('v2');
  });
});
