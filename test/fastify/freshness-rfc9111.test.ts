import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { appWith, manualClock } from './helpers.js';

let app: FastifyInstance;
afterEach(() => app?.close());

/** A route answering with `headers`; returns a function telling whether the 2nd call hit. */
async function route(
  options: { ttl?: number },
  headers: Record<string, string>,
  clock = manualClock(),
) {
  app = await appWith({ ...options, now: clock.now });
  let calls = 0;
  app.get('/r', { config: { cache: true } }, async (_req, reply) => {
    reply.headers(headers);
    return `call ${++calls}`;
  });
  await app.inject('/r');
  return { clock, status: async () => (await app.inject('/r')).headers['x-cache'] };
}

describe('freshness follows RFC 9111 for a shared cache', () => {
  it('the configured ttl is bounded by s-maxage', async () => {
    const { clock, status } = await route(
      { ttl: 60_000 },
      { 'cache-control': 'public, s-maxage=10, max-age=100' },
    );
    clock.advance(9_000);
    expect(await status()).toBe('HIT');
    clock.advance(2_000);
    expect(await status()).toBe('MISS');
  });

  it('the configured ttl is bounded by max-age', async () => {
    const { clock, status } = await route({ ttl: 60_000 }, { 'cache-control': 'max-age=5' });
    clock.advance(6_000);
    expect(await status()).toBe('MISS');
  });

  it('the configured ttl is bounded by Expires - Date', async () => {
    const clock = manualClock();
    const date = new Date(clock.now()).toUTCString();
    const expires = new Date(clock.now() + 3_000).toUTCString();
    const { status } = await route({ ttl: 60_000 }, { date, expires }, clock);
    clock.advance(4_000);
    expect(await status()).toBe('MISS');
  });

  it('a shorter configured ttl wins over a long max-age', async () => {
    const { clock, status } = await route({ ttl: 1_000 }, { 'cache-control': 'max-age=600' });
    clock.advance(1_500);
    expect(await status()).toBe('MISS');
  });

  it("without a configured ttl the response's own freshness is used", async () => {
    const { clock, status } = await route({}, { 'cache-control': 'public, max-age=30' });
    clock.advance(29_000);
    expect(await status()).toBe('HIT');
    clock.advance(2_000);
    expect(await status()).toBe('MISS');
  });

  it('without a configured ttl and no freshness information: not stored', async () => {
    const { status } = await route({}, { 'x-nothing': '1' });
    expect(await status()).toBe('MISS');
  });

  it('an Age the response arrived with is counted', async () => {
    const { clock, status } = await route({}, { 'cache-control': 'max-age=30', age: '25' });
    clock.advance(6_000);
    expect(await status()).toBe('MISS');
  });

  it('max-age=0 and an invalid Expires are not stored', async () => {
    expect(await (await route({ ttl: 60_000 }, { 'cache-control': 'max-age=0' })).status()).toBe(
      'MISS',
    );
    await app.close();
    expect(await (await route({ ttl: 60_000 }, { expires: '0' })).status()).toBe('MISS');
  });

  it('the stored Cache-Control goes out exactly as the handler wrote it', async () => {
    const cc = 'public, s-maxage=60, max-age=5, stale-while-revalidate=10';
    await route({ ttl: 60_000 }, { 'cache-control': cc });
    expect((await app.inject('/r')).headers['cache-control']).toBe(cc);
  });
});
