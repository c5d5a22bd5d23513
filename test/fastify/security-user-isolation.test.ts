import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { appWith, deferred, settle } from './helpers.js';

let app: FastifyInstance;
afterEach(() => app?.close());

describe("one user's response is never served to another", () => {
  it('per-user keys keep users apart, even when their requests coalesce', async () => {
    app = await appWith({ ttl: 60_000 });
    const gate = deferred();
    app.get(
      '/inbox',
      { config: { cache: { key: (req) => req.headers.authorization } } },
      async (req) => {
        await gate.promise;
        return { owner: req.headers.authorization };
      },
    );
    const users = ['alice', 'bob', 'carol'];
    const pending = users.flatMap((u) =>
      [1, 2].map(() => app.inject({ url: '/inbox', headers: { authorization: u } })),
    );
    await settle();
    gate.resolve();
    const responses = await Promise.all(pending);
    for (const [i, res] of responses.entries()) {
      expect(res.json().owner).toBe(users[Math.floor(i / 2)]);
    }
    for (const u of users) {
      const res = await app.inject({ url: '/inbox', headers: { authorization: u } });
      expect(res.headers['x-cache']).toBe('HIT');
      expect(res.json().owner).toBe(u);
    }
    expect((await app.inject('/inbox')).json().owner).toBeUndefined();
  });

  it('without a key, a credentialed answer never reaches an anonymous request', async () => {
    app = await appWith({ ttl: 60_000 });
    app.get('/dash', { config: { cache: true } }, async (req) => ({
      user: req.headers.authorization ?? null,
    }));
    await app.inject({ url: '/dash', headers: { authorization: 'Bearer alice' } });
    expect((await app.inject('/dash')).json()).toEqual({ user: null });
    const bob = await app.inject({ url: '/dash', headers: { authorization: 'Bearer bob' } });
    expect(bob.json()).toEqual({ user: 'Bearer bob' });
  });
});
