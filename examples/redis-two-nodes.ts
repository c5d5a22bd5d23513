/**
 * Two nodes sharing one Redis: a value computed on node A is a hit on node B, and a tag
 * invalidation on A reaches B's own memory tier (over Redis pub/sub).
 *
 * Each "node" is a cache with its own memory tier above a Redis tier, as two processes or two
 * machines would have; here both live in one process so the example runs on its own.
 *
 * Run: node --import tsx examples/redis-two-nodes.ts   (REDIS_URL, default redis://127.0.0.1:6379)
 */
import assert from 'node:assert/strict';
import { createCache, memoryStore } from '../src/index.js';
import { redisStore } from '../src/redis.js';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
// A prefix of this run's own, so the example never touches anyone else's keys.
const prefix = `keepsake-example:${process.pid}:`;

function node(name: string) {
  const redis = redisStore({ url, prefix });
  const cache = createCache({ tiers: [memoryStore(), redis], namespace: 'shop', ttl: 60_000 });
  return { name, cache, redis };
}

const a = node('A');
const b = node('B');
/** Polls every 10 ms until `ok()`, for at most 5 s. */
async function until(ok: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!ok()) {
    assert.ok(Date.now() < deadline, what);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
const computedOn: string[] = [];
const report = (on: string) => async () => {
  computedOn.push(on);
  await new Promise((resolve) => setTimeout(resolve, 50)); // some expensive work
  return { total: 1234, computedOn: on };
};

try {
  // 1. A misses and computes; the value lands in A's memory and in Redis.
  const first = await a.cache.wrap('report:2024', report('A'), { tags: ['reports'] });
  console.log('A: MISS, computed', first);

  // 2. B has never seen it: its memory misses, Redis hits, and nothing is computed.
  const second = await b.cache.wrap('report:2024', report('B'), { tags: ['reports'] });
  const bRedisHits = b.cache.stats().tiers.find((t) => t.name === 'redis')!.hits;
  console.log(`B: HIT from redis (redis tier hits: ${bRedisHits})`, second);
  assert.deepEqual(second, first);
  assert.deepEqual(computedOn, ['A']);
  assert.equal(bRedisHits, 1);
  assert.deepEqual(b.cache.peek('report:2024'), first, 'promoted into B memory');

  // 3. A invalidates the tag: Redis drops the entry, and B hears of it and drops its copy.
  // (B's pub/sub connection opened with its cache; a node started a moment ago may not be
  // subscribed yet, and pub/sub does not replay.)
  await until(() => b.redis.usage().listening, 'B never subscribed');
  const dropped = await a.cache.invalidateTags(['reports']);
  await until(() => b.cache.peek('report:2024') === undefined, 'B never heard of it');
  console.log(`A: invalidated "reports" (${dropped} dropped); B: gone from its memory too`);

  // 4. So B computes afresh.
  const third = await b.cache.wrap('report:2024', report('B'), { tags: ['reports'] });
  console.log('B: MISS after the invalidation, computed', third);
  assert.deepEqual(computedOn, ['A', 'B']);
  console.log('ok');
} finally {
  await a.redis.clear(); // every key under this run's prefix: entries, tag sets, leases
  await Promise.all([a.cache.close(), b.cache.close()]);
}
