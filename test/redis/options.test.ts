import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { KeepsakeError } from '../../src/errors.js';
import { type RedisStoreOptions, redisStore } from '../../src/redis.js';

function codeOf(options: unknown): string | undefined {
  try {
    const store = redisStore(options as RedisStoreOptions);
    void store.close();
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(KeepsakeError);
    expect((error as KeepsakeError).hint).toBeTruthy();
    return (error as KeepsakeError).code;
  }
}

describe('redisStore options are checked at construction', () => {
  it.each([
    ['not an object', 'redis://x'],
    ['client and url', { client: new Redis({ lazyConnect: true }), url: 'redis://127.0.0.1' }],
    ['a client that is not ioredis', { client: { get() {} } }],
    ['a url that is not one', { url: 'not a url' }],
    ['a url of another scheme', { url: 'http://127.0.0.1:6379' }],
    ['an empty prefix', { prefix: '' }],
    ['a prefix that is not a string', { prefix: 7 }],
    ['defaultTtl 0', { defaultTtl: 0 }],
    ['defaultTtl Infinity (every key must expire)', { defaultTtl: Number.POSITIVE_INFINITY }],
    ['a negative commandTimeout', { commandTimeout: -1 }],
    ['a fractional breaker threshold', { breaker: { threshold: 1.5 } }],
    ['a zero cool-down', { breaker: { coolDown: 0 } }],
    ['broadcast not a boolean', { broadcast: 'yes' }],
    ['a clock that is not a function', { now: 5 }],
  ])('rejects %s with ERR_OPTIONS', (_, options) => {
    expect(codeOf(options)).toBe('ERR_OPTIONS');
  });

  it('takes a lazy client without connecting it', async () => {
    const client = new Redis({ lazyConnect: true });
    const store = redisStore({ client, prefix: 'p:', defaultTtl: 1_000, commandTimeout: 100 });
    expect(store.name).toBe('redis');
    expect(store.kind).toBe('bytes');
    expect(store.sync).toBe(false);
    expect(client.status).toBe('wait');
    await store.close();
    client.disconnect();
  });
});
