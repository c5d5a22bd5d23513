/**
 * `keepsake/fastify`: a response cache for Fastify 5 with a reverse proxy's care. See
 * {@link keepsakeFastify}; the lifecycle is drawn in `http-cache.ts`, the storage rules in
 * `freshness.ts`, the key in `request-key.ts`, the stored shapes in `http-entry.ts`.
 */
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import fp from 'fastify-plugin';
import { createCache, KeepsakeError, memoryStore } from '../../src/index.js';
import { HttpCache } from './http-cache.js';
import { type KeepsakeFastifyOptions, resolvePluginOptions } from './options.js';
import { type Carrier, kState } from './request-state.js';
import { ResponseStore } from './response-store.js';
import type { KeepsakeFastify } from './types.js';

export type {
  KeepsakeFastifyOptions,
  RouteCacheConfig,
  RouteCacheOptions,
} from './options.js';
export { httpChannel } from './request-state.js';
export type {
  CacheStatus,
  InvalidateTarget,
  KeepsakeFastify,
  KeepsakeFastifyStats,
  RouteCounters,
} from './types.js';

/** Entries and bytes of the default memory tier: bounded even when nobody configures it. */
const DEFAULT_MAX_ENTRIES = 10_000;
const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

const plugin: FastifyPluginAsync<KeepsakeFastifyOptions> = async (fastify, options) => {
  const resolved = resolvePluginOptions(options);
  const owned = options.cache === undefined;
  const cache =
    options.cache ??
    createCache({
      tiers: options.tiers ?? [
        memoryStore({ max: DEFAULT_MAX_ENTRIES, maxBytes: DEFAULT_MAX_BYTES, now: resolved.now }),
      ],
      now: resolved.now,
    });
  const http = new HttpCache(
    fastify,
    new ResponseStore(cache, resolved.now, resolved.maxVariants),
    resolved,
  );

  fastify.decorateRequest(kState as unknown as string, null);
  fastify.decorateReply('cacheStatus', {
    getter(this: FastifyReply) {
      return (this.request as unknown as Carrier)[kState]?.status;
    },
  });
  fastify.decorateReply('cacheTags', function cacheTags(this: FastifyReply, ...tags: string[]) {
    if (tags.some((t) => typeof t !== 'string')) {
      throw new KeepsakeError('ERR_OPTIONS', 'reply.cacheTags() takes strings', {
        hint: "reply.cacheTags('user:1', 'reports')",
      });
    }
    const state = (this.request as unknown as Carrier)[kState];
    if (state == null) return;
    if (state.tags === undefined) state.tags = [...tags];
    else state.tags.push(...tags);
  });
  const api: KeepsakeFastify = {
    cache,
    invalidate: (target) => http.invalidate(target),
    stats: () => http.stats(),
  };
  fastify.decorate('keepsake', api);
  fastify.addHook('onRoute', (route) => http.onRoute(route));
  fastify.addHook('onSend', http.onSend);
  fastify.addHook('onClose', async () => {
    await http.close();
    if (owned) await cache.close();
  });
};

/**
 * The Fastify plugin: caches GET responses of routes that opt in with `config.cache` (or all
 * GET routes with `allRoutes: true`), serves HEAD from them, and invalidates them on a
 * successful POST/PUT/PATCH/DELETE to the same path. Safe by default: requests with
 * credentials bypass unless the route gives a per-user `key`; responses with `Set-Cookie`,
 * `private`, `no-store` or `Vary: *` are not stored; freshness follows RFC 9111 for a shared
 * cache. Wrapped with fastify-plugin, so it decorates the instance it is registered on.
 *
 * Register it before routes (it sees routes through `onRoute`) and before plugins whose global
 * `onSend` hooks rewrite payloads. Bad plugin or route options throw `KeepsakeError`
 * `ERR_OPTIONS` at startup.
 *
 * @example
 * ```ts
 * import Fastify from 'fastify';
 * import keepsakeFastify from 'keepsake/fastify';
 *
 * const app = Fastify();
 * await app.register(keepsakeFastify, { ttl: 60_000, staleWhileRevalidate: 30_000 });
 * app.get('/report/:year', { config: { cache: { tags: ['reports'] } } }, async (req) =>
 *   buildReport(req.params),
 * );
 * // later: await app.keepsake.invalidate({ tags: ['reports'] });
 * ```
 */
export const keepsakeFastify = fp(plugin, { fastify: '5.x', name: 'keepsake' });

export default keepsakeFastify;
