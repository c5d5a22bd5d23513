import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { appWith, deferred, manualClock, settle } from './helpers.js';

let app: FastifyInstance;
afterEach(() => app?.close());

describe('stale-while-revalidate', () => {
  it('serves the old body at once while one refresh runs, then the new one', async () => {
    const clock = manualClock();
    app = await appWith({ ttl: 10_000, staleWhileRevalidate: 60_000, now: clock.now });
    let version = 1;
    let calls = 0;
    let gate = deferred();
    app.get('/r', { config: { cache: true } }, async () => {
      calls++;
      if (calls > 1) await gate.promise;
      return { version };
    });
    await app.inject('/r');
    clock.advance(11_000);
    version = 2;
    const stale = await Promise.all(Array.from({ length: 20 }, () => app.inject('/r')));
    for (const res of stale) {
      expect(res.headers['x-cache']).toBe('STALE');
      expect(res.json()).toEqual({ version: 1 });
    }
    expect(calls).toBe(2); // one refresh for 20 stale hits
    gate.resolve();
    gate = deferred();
    for (let i = 0; i < 50 && (await app.inject('/r')).headers['x-cache'] !== 'HIT'; i++)
      await settle();
    const fresh = await app.inject('/r');
    expect(fresh.headers['x-cache']).toBe('HIT');
    expect(fresh.json()).toEqual({ version: 2 });
    expect(calls).toBe(2);
  });

  it('the refresh replays the headers the key is built from, and runs the auth hooks', async () => {
    const clock = manualClock();
    app = await appWith({ ttl: 1_000, staleWhileRevalidate: 60_000, now: clock.now });
    const seen: Array<string | undefined> = [];
    app.get(
      '/me',
      {
        preHandler: async (req, reply) => {
          if (!req.headers.authorization) return reply.code(401).send();
        },
        config: { cache: { key: (req) => req.headers.authorization } },
      },
      async (req) => {
        seen.push(req.headers.authorization);
        return { user: req.headers.authorization };
      },
    );
    const as = () => app.inject({ url: '/me', headers: { authorization: 'alice' } });
    await as();
    clock.advance(2_000);
    expect((await as()).headers['x-cache']).toBe('STALE');
    for (let i = 0; i < 50 && seen.length < 2; i++) await settle();
    expect(seen).toEqual(['alice', 'alice']);
  });

  it('a failed refresh keeps serving the stale body until the window ends', async () => {
    const clock = manualClock();
    app = await appWith({ ttl: 1_000, staleWhileRevalidate: 10_000, now: clock.now });
    let calls = 0;
    app.get('/r', { config: { cache: true } }, async () => {
      if (++calls > 1) throw new Error('down');
      return 'v1';
    });
    await app.inject('/r');
    clock.advance(2_000);
    expect((await app.inject('/r')).body).toBe('v1');
    await settle(20);
    expect((await app.inject('/r')).headers['x-cache']).toBe('STALE');
    clock.advance(10_000);
    expect((await app.inject('/r')).statusCode).toBe(500);
  });
});
