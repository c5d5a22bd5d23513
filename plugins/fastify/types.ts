/**
 * Public types of `keepsake/fastify` and the declaration merging that types `config.cache`,
 * `reply.cacheTags`, `reply.cacheStatus` and `app.keepsake` once the plugin is imported.
 */
import type { Cache, CacheStats } from '../../src/index.js';
import type { RouteCacheConfig } from './options.js';

/**
 * What the cache did for a response, also sent as `x-cache`:
 * - `HIT`: served from the cache (fresh, or from a concurrent request's result);
 * - `MISS`: the handler ran (and the response was stored if it could be);
 * - `STALE`: served stale, during `staleWhileRevalidate` (a refresh runs) or `staleIfError`;
 * - `BYPASS`: not looked up or not storable by rule (credentials, a body, forwarding headers).
 *
 * @example
 * ```ts
 * const status: CacheStatus = reply.cacheStatus ?? 'MISS';
 * ```
 */
export type CacheStatus = 'HIT' | 'MISS' | 'STALE' | 'BYPASS';

/**
 * What `app.keepsake.invalidate` drops: entries carrying any of `tags`, and every stored
 * response for the path of `url` (all its query strings, hosts and variants).
 *
 * @example
 * ```ts
 * await app.keepsake.invalidate({ tags: ['user:1'], url: '/users/1' });
 * ```
 */
export interface InvalidateTarget {
  tags?: readonly string[];
  url?: string;
}

/**
 * Counters of one cached route.
 *
 * @example
 * ```ts
 * const { hits, misses } = app.keepsake.stats().routes['/report/:year']!;
 * ```
 */
export interface RouteCounters {
  hits: number;
  misses: number;
  stale: number;
  bypasses: number;
  /** Responses stored. */
  stores: number;
}

/**
 * `app.keepsake.stats()`: the cache's counters and the plugin's per route pattern.
 *
 * @example
 * ```ts
 * app.keepsake.stats().routes['/report']?.hits;
 * ```
 */
export interface KeepsakeFastifyStats {
  cache: CacheStats;
  routes: Record<string, RouteCounters>;
}

/**
 * The `app.keepsake` decoration.
 *
 * @example
 * ```ts
 * const dropped = await app.keepsake.invalidate({ tags: ['reports'] });
 * ```
 */
export interface KeepsakeFastify {
  /** The cache responses are stored in. */
  readonly cache: Cache;
  /**
   * Drops stored responses by tag and/or URL path; resolves the number of entries dropped by
   * tiers that index tags (the memory tier does).
   */
  invalidate(target: InvalidateTarget): Promise<number>;
  /** Counters, see {@link KeepsakeFastifyStats}. */
  stats(): KeepsakeFastifyStats;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Cache this route's GET responses: `true`, options, or `false` to opt out of `allRoutes`. */
    cache?: RouteCacheConfig;
  }
  interface FastifyReply {
    /** Adds tags to the response being stored (no-op when it is not stored). */
    cacheTags(...tags: string[]): void;
    /** What the cache did for this request; `undefined` on routes it does not cover. */
    readonly cacheStatus: CacheStatus | undefined;
  }
  interface FastifyInstance {
    /** The response cache: invalidation and counters. */
    keepsake: KeepsakeFastify;
  }
}
