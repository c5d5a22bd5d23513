import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCache } from '../../src/cache.js';
import { serialize } from '../../src/codec/index.js';
import { redisStore } from '../../src/redis.js';
import { memoryStore } from '../../src/stores/memory-store.js';
import { dropPrefix, SHARED_URL, uniquePrefix } from './helpers/shared.js';

const prefix = uniquePrefix('ttl');
let raw: Redis;

beforeAll(() => {
  raw = new Redis(SHARED_URL);
});
afterAll(async () => {
  raw.disconnect();
  await dropPrefix(prefix);
});

async function keysUnder(p: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await raw.scan(cursor, 'MATCH', `${p}*`, 'COUNT', 1000);
    cursor = next;
    found.push(...keys);
  } while (cursor !== '0');
  return found.sort();
}

describe('every Redis key has the prefix and a TTL', () => {
  it('entries, tag sets and leases: the entry deadline, else defaultTtl (1 day)', async () => {
    const store = redisStore({ url: SHARED_URL, prefix });
    const cache = createCache({ tiers: [memoryStore(), store], namespace: 'app' });
    await cache.set('forever', { a: 1 }, { tags: ['t1'] });
    await cache.set('minute', 'x', { ttl: 60_000 });
    await cache.set('swr', 'y', { ttl: 60_000, staleWhileRevalidate: 60_000 });
    const lease = await store.acquire('app:lock-me', 5_000);
    expect(lease).toBeTypeOf('string');

    const keys = await keysUnder(prefix);
    expect(keys).toEqual(
      [
        `${prefix}e:app:forever`,
        `${prefix}e:app:minute`,
        `${prefix}e:app:swr`,
        `${prefix}l:app:lock-me`,
        `${prefix}t:app:t1`,
      ].sort(),
    );
    const ttl = Object.fromEntries(
      await Promise.all(keys.map(async (k) => [k.slice(prefix.length), await raw.pttl(k)])),
    );
    const day = 24 * 60 * 60 * 1000;
    for (const value of Object.values(ttl)) expect(value).toBeGreaterThan(0);
    expect(ttl['e:app:forever']).toBeGreaterThan(day - 60_000);
    expect(ttl['e:app:forever']).toBeLessThanOrEqual(day);
    expect(ttl['t:app:t1']).toBeGreaterThan(day - 60_000);
    expect(ttl['e:app:minute']).toBeLessThanOrEqual(60_000);
    expect(ttl['e:app:minute']).toBeGreaterThan(50_000);
    expect(ttl['e:app:swr']).toBeGreaterThan(110_000); // the stale window counts
    expect(ttl['l:app:lock-me']).toBeLessThanOrEqual(5_000);
    await cache.close();
  });

  it('honours defaultTtl, and extends a tag set to its longest-lived entry', async () => {
    const p = `${prefix}short:`;
    const store = redisStore({ url: SHARED_URL, prefix: p, defaultTtl: 30_000 });
    const now = Date.now();
    const bytes = serialize('v');
    await store.set('a', { value: bytes, createdAt: now, tags: ['t'] });
    await store.set('b', { value: bytes, createdAt: now, expiresAt: now + 5_000, tags: ['t'] });
    expect(await raw.pttl(`${p}e:a`)).toBeLessThanOrEqual(30_000);
    expect(await raw.pttl(`${p}e:a`)).toBeGreaterThan(20_000);
    expect(await raw.pttl(`${p}e:b`)).toBeLessThanOrEqual(5_000);
    expect(await raw.pttl(`${p}t:t`)).toBeGreaterThan(20_000);
    await store.close();
  });

  it('reads an entry with one HMGET: value, binary metadata and tags in one hash', async () => {
    const p = `${prefix}layout:`;
    const store = redisStore({ url: SHARED_URL, prefix: p });
    const bytes = serialize({ hello: 'world' });
    await store.set('k', {
      value: bytes,
      createdAt: 1,
      expiresAt: Date.now() + 9_000,
      tags: ['x'],
    });
    const [v, m, t] = await raw.hmgetBuffer(`${p}e:k`, 'v', 'm', 't');
    expect(Buffer.compare(v!, Buffer.from(bytes))).toBe(0);
    expect(m![0]).toBe(1); // metadata format version
    expect(m!.length).toBe(18); // version, flags, createdAt, expiresAt
    expect(JSON.parse(t!.toString())).toEqual(['x']);
    await store.close();
  });
});
