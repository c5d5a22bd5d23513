import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { appWith } from './helpers.js';

let app: FastifyInstance;
afterEach(() => app?.close());

describe("the client's Cache-Control and Pragma", () => {
  it.each([
    { 'cache-control': 'no-cache' },
    { 'cache-control': 'max-age=0' },
    { 'cache-control': 'no-store' },
    { pragma: 'no-cache' },
  ])('cannot force a recompute: %o', async (headers) => {
    app = await appWith({ ttl: 60_000 });
    let calls = 0;
    app.get('/expensive', { config: { cache: true } }, async () => `call ${++calls}`);
    await app.inject('/expensive');
    const res = await app.inject({ url: '/expensive', headers });
    expect(res.headers['x-cache']).toBe('HIT');
    expect(calls).toBe(1);
  });
});
