import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { UNKEYED_FORWARDING } from '../../plugins/fastify/request-rules.js';
import { appWith, deferred, settle } from './helpers.js';

let app: FastifyInstance;
afterEach(() => app?.close());

/** A handler that trusts forwarding headers, as apps behind proxies (trustProxy) do. */
async function vulnerableApp() {
  app = await appWith({ ttl: 60_000 }, { trustProxy: true });
  app.get('/home', { config: { cache: true } }, async (req) => {
    const host = req.headers['x-forwarded-host'] ?? req.headers['x-host'] ?? req.host;
    const override = req.headers['x-original-url'] ?? req.headers['x-http-method-override'] ?? '';
    return `<script src="https://${host}/app.js"></script>${override}`;
  });
}

describe('cache poisoning through unkeyed headers fails', () => {
  it.each(UNKEYED_FORWARDING)('%s: served, never stored', async (name) => {
    await vulnerableApp();
    const evil = await app.inject({ url: '/home', headers: { [name]: 'evil.example' } });
    expect(evil.statusCode).toBe(200);
    expect(evil.headers['x-cache']).toBe('BYPASS');
    const victim = await app.inject('/home');
    expect(victim.body).not.toContain('evil.example');
  });

  it('a poisoned request never leads a coalesced group', async () => {
    await vulnerableApp();
    const gate = deferred();
    app.get('/slow', { config: { cache: true } }, async (req) => {
      await gate.promise;
      return `host=${req.headers['x-forwarded-host'] ?? 'clean'}`;
    });
    const evil = app.inject({ url: '/slow', headers: { 'x-forwarded-host': 'evil.example' } });
    const clean = app.inject('/slow');
    await settle();
    gate.resolve();
    expect((await evil).body).toBe('host=evil.example');
    expect((await clean).body).toBe('host=clean');
    expect((await app.inject('/slow')).body).toBe('host=clean');
  });

  it('x-forwarded-proto is keyed, so http and https answers never mix', async () => {
    app = await appWith({ ttl: 60_000 }, { trustProxy: true });
    app.get('/link', { config: { cache: true } }, async (req) => `${req.protocol}://site/`);
    await app.inject({ url: '/link', headers: { 'x-forwarded-proto': 'http' } });
    const https = await app.inject({ url: '/link', headers: { 'x-forwarded-proto': 'https' } });
    expect(https.body).toBe('https://site/');
  });
});
