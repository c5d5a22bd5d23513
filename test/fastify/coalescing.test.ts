import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { appWith, deferred, settle } from './helpers.js';

let app: FastifyInstance;
afterEach(() => app?.close());

describe('concurrent misses on one key', () => {
  it('run the handler once; every waiter gets its body', async () => {
    app = await appWith({ ttl: 60_000 });
    const gate = deferred();
    let calls = 0;
    app.get('/slow', { config: { cache: true } }, async () => {
      calls++;
      await gate.promise;
      return { value: 42 };
    });
    const all = Array.from({ length: 200 }, () => app.inject('/slow'));
    await settle(20);
    expect(calls).toBe(1);
    gate.resolve();
    const responses = await Promise.all(all);
    expect(calls).toBe(1);
    expect(responses.every((r) => r.json().value === 42)).toBe(true);
    const statuses = responses.map((r) => r.headers['x-cache']);
    expect(statuses.filter((s) => s === 'MISS')).toHaveLength(1);
    expect(statuses.filter((s) => s === 'HIT')).toHaveLength(199);
  });

  it('10,000 concurrent requests on a cold key: one handler call', async () => {
    app = await appWith({ ttl: 60_000 });
    const gate = deferred();
    let calls = 0;
    app.get('/cold', { config: { cache: true } }, async () => {
      calls++;
      await gate.promise;
      return 'done';
    });
    const all = Array.from({ length: 10_000 }, () => app.inject('/cold'));
    await settle(50);
    gate.resolve();
    const responses = await Promise.all(all);
    expect(calls).toBe(1);
    expect(responses.every((r) => r.statusCode === 200 && r.body === 'done')).toBe(true);
  }, 120_000);

  it('after the wait bound, waiters run the handler themselves', async () => {
    app = await appWith({ ttl: 60_000, coalesceTimeout: 20 });
    const first = deferred();
    let calls = 0;
    app.get('/stuck', { config: { cache: true } }, async () => {
      const n = ++calls;
      if (n === 1) await first.promise;
      return `call ${n}`;
    });
    const leader = app.inject('/stuck');
    await settle();
    // The follower waits, the bound passes (a real 20 ms timer), then it runs on its own.
    const follower = await app.inject('/stuck');
    expect(follower.body).toBe('call 2');
    first.resolve();
    expect((await leader).body).toBe('call 1');
  });

  it('when the leader answers something unstorable, waiters each run the handler', async () => {
    app = await appWith({ ttl: 60_000 });
    const gate = deferred();
    let calls = 0;
    app.get('/cookie', { config: { cache: true } }, async (_req, reply) => {
      const n = ++calls;
      if (n === 1) await gate.promise;
      reply.header('set-cookie', `session=${n}`);
      return `user ${n}`;
    });
    const all = Array.from({ length: 5 }, () => app.inject('/cookie'));
    await settle(10);
    gate.resolve();
    const bodies = (await Promise.all(all)).map((r) => r.body);
    expect(new Set(bodies).size).toBe(5);
    expect(calls).toBe(5);
  });

  it('when the leader fails, waiters run the handler and can succeed', async () => {
    app = await appWith({ ttl: 60_000 });
    const gate = deferred();
    let calls = 0;
    app.get('/flaky', { config: { cache: true } }, async () => {
      const n = ++calls;
      if (n === 1) {
        await gate.promise;
        throw new Error('boom');
      }
      return 'ok';
    });
    const all = Array.from({ length: 3 }, () => app.inject('/flaky'));
    await settle(10);
    gate.resolve();
    const codes = (await Promise.all(all)).map((r) => r.statusCode).sort();
    expect(codes).toEqual([200, 200, 500]);
  });
});
