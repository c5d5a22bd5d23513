import { type Cache, createCache } from '../../../src/cache.js';
import { type RedisStore, redisStore } from '../../../src/redis.js';
import { memoryStore } from '../../../src/stores/memory-store.js';
import { SHARED_URL } from './shared.js';

/** One "node": a cache with its own memory tier over a Redis tier shared by every node. */
export interface TestNode {
  cache: Cache;
  redis: RedisStore;
}

export function makeNode(
  prefix: string,
  options: { url?: string; lock?: boolean; commandTimeout?: number } = {},
): TestNode {
  const redis = redisStore({
    url: options.url ?? SHARED_URL,
    prefix,
    ...(options.commandTimeout === undefined ? {} : { commandTimeout: options.commandTimeout }),
  });
  const cache = createCache({
    tiers: [memoryStore(), redis],
    namespace: 'app',
    ...(options.lock ? { lock: { ttl: 5_000, pollInterval: 20 } } : {}),
  });
  return { cache, redis };
}
