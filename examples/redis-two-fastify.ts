/**
 * Two Fastify instances sharing one Redis: a response computed on A is a HIT on B, and a tag
 * invalidation on A reaches B's memory tier too (over Redis pub/sub).
 *
 * Run: node --import tsx examples/redis-two-fastify.ts   (REDIS_URL, default redis://127.0.0.1:6379)
 */
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { keepsakeFastify } from '../plugins/fastify/index.js';
import { createCache, memoryStore } from '../src/index.js';
import { redisStore } from '../src/redis.js';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `keepsake-example-http:${process.pid}:`;
let renders = 0;

async function instance(name: string) {
  const redis = redisStore({ url, prefix });
  const cache = createCache({ tiers: [memoryStore(), redis] });
  const app = Fastify();
  await app.register(keepsakeFastify, { cache, ttl: 60_000 });
  app.get('/report', { config: { cache: { tags: ['reports'] } } }, async () => {
    renders++;
    return { total: 1234, renderedBy: name };
  });
  await app.ready();
  return { name, app, cache, redis };
}

const a = await instance('A');
const b = await instance('B');
const get = async (node: typeof a) => {
  const res = await node.app.inject({ method: 'GET', url: '/report' });
  return { xCache: res.headers['x-cache'], body: res.json() as { renderedBy: string } };
};
try {
  const first = await get(a);
  console.log(`A: ${first.xCache}, rendered by ${first.body.renderedBy}`);
  // The response reaches A's client first; its write to Redis completes in the background.
  const written = Date.now() + 5_000;
  const redisSets = () => a.cache.stats().tiers.find((t) => t.name === 'redis')?.sets ?? 0;
  while (redisSets() === 0) {
    assert.ok(Date.now() < written, 'A never wrote to Redis');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const second = await get(b);
  console.log(`B: ${second.xCache}, rendered by ${second.body.renderedBy}`);
  assert.equal(second.xCache, 'HIT');
  assert.equal(renders, 1);

  const deadline = Date.now() + 5_000;
  while (!b.redis.usage().listening) {
    assert.ok(Date.now() < deadline, 'B never subscribed');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const dropped = await a.app.keepsake.invalidate({ tags: ['reports'] });
  let third = await get(b);
  while (third.xCache === 'HIT' && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    third = await get(b);
  }
  console.log(
    `A invalidated "reports" (${dropped}); B: ${third.xCache}, rendered by ${third.body.renderedBy}`,
  );
  assert.equal(third.xCache, 'MISS');
  assert.equal(renders, 2);
  console.log('ok');
} finally {
  await a.redis.clear();
  await Promise.all([a.app.close(), b.app.close()]);
  await Promise.all([a.cache.close(), b.cache.close()]);
}
