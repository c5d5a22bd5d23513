import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { appWith } from './helpers.js';

let app: FastifyInstance;
afterEach(() => app?.close());

async function setup(options = {}) {
  app = await appWith({ ttl: 60_000, ...options });
  let calls = 0;
  app.get('/search', { config: { cache: true } }, async (req) => ({
    call: ++calls,
    query: req.query,
  }));
  return () => calls;
}

describe('query strings are normalised', () => {
  it('parameter order does not matter', async () => {
    const calls = await setup();
    await app.inject('/search?b=2&a=1');
    expect((await app.inject('/search?a=1&b=2')).headers['x-cache']).toBe('HIT');
    expect(calls()).toBe(1);
  });

  it('percent-encoding of unreserved characters does not matter', async () => {
    const calls = await setup();
    await app.inject('/search?q=abc');
    expect((await app.inject('/search?%71=%61bc')).headers['x-cache']).toBe('HIT');
    expect(calls()).toBe(1);
  });

  it('utm_* and click ids are dropped from the key and hidden from the handler', async () => {
    const calls = await setup();
    const first = await app.inject('/search?q=x&utm_source=mail&fbclid=1');
    expect(first.json().query).toEqual({ q: 'x' });
    expect((await app.inject('/search?utm_campaign=z&q=x')).headers['x-cache']).toBe('HIT');
    expect(calls()).toBe(1);
  });

  it('the drop-list is configurable', async () => {
    const calls = await setup({ ignoreQuery: ['ref'] });
    await app.inject('/search?q=x&ref=a');
    await app.inject('/search?q=x&ref=b');
    await app.inject('/search?q=x&utm_source=b');
    expect(calls()).toBe(2);
  });

  it('different values, repeated-name order, + versus %2B, and a versus a= stay apart', async () => {
    const calls = await setup();
    const urls = [
      '/search?q=1',
      '/search?q=2',
      '/search?q=1&q=2',
      '/search?q=2&q=1',
      '/search?q=a+b',
      '/search?q=a%2Bb',
      '/search?flag',
      '/search?flag=',
      '/search',
    ];
    for (const url of urls) expect((await app.inject(url)).headers['x-cache']).toBe('MISS');
    expect(calls()).toBe(urls.length);
  });
});
