import diagnostics from 'node:diagnostics_channel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCache } from '../../src/cache.js';
import { serialize } from '../../src/codec/index.js';
import { isKeepsakeError } from '../../src/errors.js';
import { type RedisStore, redisStore } from '../../src/redis.js';
import { memoryStore } from '../../src/stores/memory-store.js';
import { RedisServer, waitFor } from './helpers/redis-server.js';

let server: RedisServer;
const errors: Array<{ tier?: string; op?: string; error?: unknown }> = [];
const onError = (message: unknown) => errors.push(message as (typeof errors)[number]);

beforeAll(async () => {
  server = await RedisServer.start();
  diagnostics.subscribe('keepsake:error', onError);
});
afterAll(async () => {
  diagnostics.unsubscribe('keepsake:error', onError);
  await server?.destroy();
});

/** A set and a get straight through the store: the tier really works again. */
async function roundTrip(store: RedisStore): Promise<boolean> {
  try {
    const value = serialize('ping');
    await store.set('probe', { value, createdAt: Date.now() });
    return (await store.get('probe')) !== undefined;
  } catch {
    return false;
  }
}

describe('fail open: Redis down, hung or restarting never fails a call', () => {
  it('kill redis-server under load: zero failed calls; restart: the tier rejoins in seconds', async () => {
    const redis = redisStore({ url: server.url, prefix: 'load:' });
    // A small memory tier, so that most reads go down to Redis.
    const cache = createCache({ tiers: [memoryStore({ max: 20 }), redis], ttl: 60_000 });
    await waitFor(() => roundTrip(redis));

    let calls = 0;
    let failed = 0;
    let slowest = 0;
    let running = true;
    const worker = async () => {
      while (running) {
        const key = `k${Math.floor(Math.random() * 200)}`;
        const started = performance.now();
        try {
          const value = await cache.wrap(key, async () => `value of ${key}`);
          if (value !== `value of ${key}`) failed++;
        } catch {
          failed++;
        }
        slowest = Math.max(slowest, performance.now() - started);
        calls++;
        await new Promise((resolve) => setImmediate(resolve));
      }
    };
    const workers = Array.from({ length: 8 }, () => worker());
    const phase = async (ms: number) => {
      const start = calls;
      await new Promise((resolve) => setTimeout(resolve, ms));
      return calls - start;
    };

    const before = await phase(300);
    expect(redis.usage().state).toBe('closed');
    await server.stop();
    const errorsBefore = cache.stats().errors;
    const whileDown = await phase(800);
    expect(cache.stats().errors).toBeGreaterThan(errorsBefore);
    expect(redis.usage().connected).toBe(false);

    await server.start();
    const recovery = await waitFor(
      async () => redis.usage().state === 'closed' && (await roundTrip(redis)),
      10_000,
    );
    const after = await phase(300);
    const hitsBefore = cache.stats().tiers[1]!.hits;
    await phase(200);
    running = false;
    await Promise.all(workers);

    expect(failed).toBe(0);
    expect(before).toBeGreaterThan(0);
    expect(whileDown).toBeGreaterThan(0);
    expect(after).toBeGreaterThan(0);
    expect(recovery).toBeLessThan(10_000);
    // Calls stayed fast while Redis was gone: no call waited on a dead server for long.
    expect(slowest).toBeLessThan(2_000);
    // The Redis tier serves again after the restart.
    expect(cache.stats().tiers[1]!.hits).toBeGreaterThan(hitsBefore);
    const usage = redis.usage();
    expect(usage.failures + usage.rejected).toBeGreaterThan(0);
    expect(errors.some((m) => m.tier === 'redis')).toBe(true);
    console.log(
      `kill under load: ${calls} calls, 0 failed; ${whileDown} calls while down; ` +
        `tier back ${recovery} ms after restart; slowest call ${slowest.toFixed(0)} ms`,
    );
    await cache.close();
  });

  it('a hung server (SIGSTOP) opens the breaker; calls then fail at once; SIGCONT rejoins', async () => {
    const redis = redisStore({
      url: server.url,
      prefix: 'hung:',
      commandTimeout: 100,
      breaker: { threshold: 3, coolDown: 200 },
    });
    const cache = createCache({ tiers: [memoryStore(), redis], readTimeout: 250 });
    await waitFor(() => roundTrip(redis));
    errors.length = 0;

    server.pause();
    try {
      for (let i = 0; i < 3; i++) {
        const error = await redis.get(`x${i}`).catch((e: unknown) => e);
        expect(isKeepsakeError(error, 'ERR_TIMEOUT')).toBe(true);
      }
      expect(redis.usage().state).not.toBe('closed');
      expect(redis.usage().connected).toBe(true); // the socket is still up: only the breaker helps
      expect(errors.some((m) => m.op === 'breaker')).toBe(true);

      const started = performance.now();
      const error = await redis.get('fast').catch((e: unknown) => e);
      expect(performance.now() - started).toBeLessThan(50);
      expect(isKeepsakeError(error, 'ERR_UNAVAILABLE')).toBe(true);
      expect(redis.usage().rejected).toBeGreaterThan(0);

      // Through a cache: computed at once, no wait on the hung tier.
      const t0 = performance.now();
      expect(await cache.wrap('report', () => 'computed')).toBe('computed');
      expect(performance.now() - t0).toBeLessThan(100);

      // While the breaker is open, reads are counted misses, not one keepsake:error each.
      const published = errors.length;
      const counted = cache.stats().tiers[1]!.errors;
      for (let i = 0; i < 200; i++) await cache.get(`during-outage-${i}`);
      expect(cache.stats().tiers[1]!.errors - counted).toBeGreaterThanOrEqual(200);
      expect(errors.length - published).toBeLessThan(5);
      // The breaker's own counters reach the cache's stats.
      const usage = cache.stats().tiers[1]!.usage as { state?: string; rejected?: number };
      expect(usage.state).not.toBe('closed');
      expect(usage.rejected).toBeGreaterThanOrEqual(200);
    } finally {
      server.resume();
    }
    const recovery = await waitFor(
      async () => redis.usage().state === 'closed' && (await roundTrip(redis)),
      10_000,
    );
    expect(recovery).toBeLessThan(10_000);
    expect(redis.usage().breakerOpens).toBeGreaterThanOrEqual(1);
    await cache.close();
  });

  it('a server that is down from the start: calls still succeed, the tier joins when it starts', async () => {
    const late = await RedisServer.start();
    await late.stop();
    const redis = redisStore({ url: late.url, prefix: 'late:' });
    const cache = createCache({ tiers: [memoryStore(), redis] });
    try {
      for (let i = 0; i < 20; i++) expect(await cache.wrap(`k${i}`, () => i)).toBe(i);
      await late.start();
      await waitFor(async () => redis.usage().state === 'closed' && (await roundTrip(redis)));
    } finally {
      await cache.close();
      await late.destroy();
    }
  });
});

describe('pub/sub after a restart', () => {
  it('the subscriber reconnects by itself, and invalidations reach other nodes again', async () => {
    const own = await RedisServer.start();
    const node = () => {
      const redis = redisStore({ url: own.url, prefix: 'pubsub:' });
      return { redis, cache: createCache({ tiers: [memoryStore(), redis] }) };
    };
    const a = node();
    const b = node();
    try {
      await waitFor(() => a.redis.usage().listening && b.redis.usage().listening);
      await own.stop();
      await waitFor(() => !b.redis.usage().listening);
      await own.start();
      await waitFor(
        async () =>
          a.redis.usage().state === 'closed' &&
          b.redis.usage().listening &&
          (await roundTrip(a.redis)),
      );
      await a.cache.set('k', 'v', { tags: ['t'] });
      expect(await b.cache.get('k')).toBe('v');
      await a.cache.invalidateTags(['t']);
      await waitFor(() => b.cache.peek('k') === undefined, 5_000);
    } finally {
      await Promise.all([a.cache.close(), b.cache.close()]);
      await own.destroy();
    }
  });
});
