import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { appWith, recordingStore } from './helpers.js';

let app: FastifyInstance;
afterEach(() => app?.close());

describe('oversized URLs and headers', () => {
  it('a long URL is served, its key stays 37 bytes, and it cannot collide', async () => {
    const { store, keys } = recordingStore();
    app = await appWith({ ttl: 60_000, tiers: [store] });
    app.get('/s', { config: { cache: true } }, async (req) =>
      String((req.query as { q: string }).q.length),
    );
    const long = 'a'.repeat(12_000);
    expect((await app.inject(`/s?q=${long}`)).body).toBe('12000');
    expect((await app.inject(`/s?q=${long}b`)).body).toBe('12001');
    for (const key of keys) expect(key.length).toBeLessThanOrEqual(37);
  });

  it('huge vary header values are hashed, never kept', async () => {
    const { store, keys } = recordingStore();
    app = await appWith({ ttl: 60_000, tiers: [store] });
    app.get(
      '/v',
      { config: { cache: { vary: ['x-big'] } } },
      async (req) => String(req.headers['x-big']).length,
    );
    const res = await app.inject({ url: '/v', headers: { 'x-big': 'z'.repeat(8_000) } });
    expect(res.body).toBe('8000');
    expect(keys.every((k) => k.length <= 37)).toBe(true);
  });

  it('URLs and headers over the server limit are refused by Node before any cache work', async () => {
    app = await appWith({ ttl: 60_000 });
    let calls = 0;
    app.get('/s', { config: { cache: true } }, async () => ++calls);
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    const tooLong = await fetch(`${address}/s?q=${'a'.repeat(20_000)}`);
    expect(tooLong.status).toBe(431);
    const bigHeader = await fetch(`${address}/s`, { headers: { 'x-big': 'z'.repeat(20_000) } });
    expect(bigHeader.status).toBe(431);
    expect(calls).toBe(0);
    expect((await fetch(`${address}/s`)).status).toBe(200);
  });
});
