/**
 * `keepsake/redis`: the Redis tier, shared by every process and machine that points at one
 * Redis. Needs `ioredis` (v5), an optional peer dependency: `npm install ioredis`.
 *
 * @example
 * ```ts
 * import { createCache, memoryStore } from 'keepsake';
 * import { redisStore } from 'keepsake/redis';
 *
 * const cache = createCache({
 *   tiers: [memoryStore(), redisStore({ url: 'redis://127.0.0.1:6379', prefix: 'myapp:' })],
 *   ttl: 60_000,
 * });
 * ```
 * @packageDocumentation
 */

export type { BreakerState } from './stores/redis/circuit-breaker.js';
export type { RedisStoreOptions, RedisStoreUsage } from './stores/redis-store.js';
export { RedisStore, redisStore } from './stores/redis-store.js';
