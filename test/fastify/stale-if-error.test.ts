import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { appWith, deferred, manualClock } from './helpers.js';

let app: FastifyInstance;
afterEach(() => app?.close());

async function setup(
  fail: (reply: import('fastify').FastifyReply) => Promise<unknown>,
  route = {},
) {
  const clock = manualClock();
  app = await appWith({ ttl: 1_000, staleIfError: 60_000, now: clock.now });
  let calls = 0;
  app.get('/r', { config: { cache: true }, ...route }, async (_req, reply) => {
    if (++calls > 1) return fail(reply);
    reply.header('x-version', '1');
    return { version: 1 };
  });
  await app.inject('/r');
  clock.advance(2_000);
  return clock;
}

describe('stale-if-error serves the stored response', () => {
  it('when the handler throws', async () => {
    await setup(async () => {
      throw new Error('db down');
    });
    const res = await app.inject('/r');
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-cache']).toBe('STALE');
    expect(res.headers['x-version']).toBe('1');
    expect(res.json()).toEqual({ version: 1 });
  });

  it('when the handler answers 5xx', async () => {
    await setup(async (reply) => reply.code(503).send({ error: 'busy' }));
    const res = await app.inject('/r');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ version: 1 });
  });

  it("when the handler times out (Fastify's handlerTimeout answers 503)", async () => {
    const never = deferred();
    await setup(() => never.promise, { handlerTimeout: 30 });
    const res = await app.inject('/r');
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-cache']).toBe('STALE');
    never.resolve();
  });

  it('not after its window, and not for 4xx answers', async () => {
    const clock = await setup(async (reply) => reply.code(404).send('gone'));
    expect((await app.inject('/r')).statusCode).toBe(404);
    clock.advance(60_000);
    expect((await app.inject('/r')).statusCode).toBe(404);
  });

  it('must-revalidate forbids it', async () => {
    const clock = manualClock();
    app = await appWith({ ttl: 1_000, staleIfError: 60_000, now: clock.now });
    let calls = 0;
    app.get('/r', { config: { cache: true } }, async (_req, reply) => {
      if (++calls > 1) throw new Error('down');
      reply.header('cache-control', 'max-age=1, must-revalidate');
      return 'v1';
    });
    await app.inject('/r');
    clock.advance(2_000);
    expect((await app.inject('/r')).statusCode).toBe(500);
  });
});
