import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { appWith } from './helpers.js';

let app: FastifyInstance;
afterEach(() => app?.close());

function route(app: FastifyInstance, code: number) {
  let calls = 0;
  app.get(`/s${code}`, { config: { cache: true } }, async (_req, reply) => {
    calls++;
    return reply.code(code).send({ code });
  });
  return () => calls;
}

describe('which statuses are stored', () => {
  it('only 200 by default', async () => {
    app = await appWith({ ttl: 60_000 });
    const calls = [200, 404, 401, 403, 429, 500, 503].map((c) => [c, route(app, c)] as const);
    for (const [code] of calls) {
      await app.inject(`/s${code}`);
      await app.inject(`/s${code}`);
    }
    for (const [code, count] of calls) expect(count()).toBe(code === 200 ? 1 : 2);
  });

  it('statusCodes adds e.g. 404 and 301, never 401/403/429/5xx', async () => {
    app = await appWith({ ttl: 60_000, statusCodes: [200, 404, 301] });
    const c404 = route(app, 404);
    const c301 = route(app, 301);
    const c500 = route(app, 500);
    for (const path of ['/s404', '/s404', '/s301', '/s301', '/s500', '/s500'])
      await app.inject(path);
    expect([c404(), c301(), c500()]).toEqual([1, 1, 2]);
    const hit = await app.inject('/s404');
    expect(hit.statusCode).toBe(404);
    expect(hit.headers['x-cache']).toBe('HIT');
  });
});
