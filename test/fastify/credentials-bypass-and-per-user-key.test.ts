import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { appWith, recordingStore } from './helpers.js';

let app: FastifyInstance;
afterEach(() => app?.close());

describe('requests with credentials', () => {
  it.each([
    ['authorization', 'Bearer abc'],
    ['cookie', 'sid=abc'],
  ])('with %s bypass the cache and get Cache-Control: private', async (name, value) => {
    app = await appWith({ ttl: 60_000 });
    let calls = 0;
    app.get('/me', { config: { cache: true } }, async () => ({ call: ++calls }));
    await app.inject('/me');
    const res = await app.inject({ url: '/me', headers: { [name]: value } });
    expect(res.headers['x-cache']).toBe('BYPASS');
    expect(res.headers['cache-control']).toBe('private');
    expect(res.json()).toEqual({ call: 2 });
    // and the anonymous entry was not replaced by the credentialed answer
    expect((await app.inject('/me')).json()).toEqual({ call: 1 });
  });

  it("a bypassed response keeps the handler's own Cache-Control", async () => {
    app = await appWith({ ttl: 60_000 });
    app.get('/me', { config: { cache: true } }, async (_req, reply) => {
      reply.header('cache-control', 'no-store');
      return 'x';
    });
    const res = await app.inject({ url: '/me', headers: { authorization: 'Bearer a' } });
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('a route key opts credentialed requests in, one entry per user, the key hashed', async () => {
    const { store, keys } = recordingStore();
    app = await appWith({ ttl: 60_000, tiers: [store] });
    let calls = 0;
    app.get(
      '/me',
      { config: { cache: { key: (req) => req.headers.authorization } } },
      async (req) => ({ user: req.headers.authorization, call: ++calls }),
    );
    const as = (token: string) => app.inject({ url: '/me', headers: { authorization: token } });
    expect((await as('Bearer alice-secret')).json().user).toBe('Bearer alice-secret');
    expect((await as('Bearer bob-secret')).json().user).toBe('Bearer bob-secret');
    const alice = await as('Bearer alice-secret');
    expect(alice.headers['x-cache']).toBe('HIT');
    expect(alice.json().user).toBe('Bearer alice-secret');
    expect(alice.headers['cache-control']).toBe('private');
    expect(calls).toBe(2);
    // The raw credential is in no key: keys are hashes.
    expect(keys.length).toBe(2);
    for (const key of keys) {
      expect(key).toMatch(/^http:[0-9a-f]{32}$/);
      expect(key).not.toContain('alice');
    }
  });
});
