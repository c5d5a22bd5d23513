/**
 * Per-route and per-request state of the plugin, and the `keepsake:http` channel. A request on
 * a cached route carries a {@link RequestState} in a request decoration (`kState`), set by the
 * lookup hook and read by the global onSend hook and `reply.cacheStatus`.
 */
import diagnostics from 'node:diagnostics_channel';
import type { RouteOptions } from 'fastify';
import { KeepsakeError } from '../../src/index.js';
import type { Group } from './coalescer.js';
import type { HttpEntry } from './http-entry.js';
import { type ResolvedRouteOptions, resolveRouteOptions } from './options.js';
import { KEYED_FORWARDING } from './request-rules.js';
import type { CacheStatus, RouteCounters } from './types.js';

/**
 * The per-request state slot, a request decoration (null until a cached route looks up).
 *
 * @example
 * ```ts
 * app.decorateRequest(kState as unknown as string, null);
 * ```
 */
export const kState: unique symbol = Symbol('keepsake.state');
/**
 * A request as seen by the plugin.
 *
 * @example
 * ```ts
 * (request as unknown as Carrier)[kState] = new RequestState(route);
 * ```
 */
export interface Carrier {
  [kState]: RequestState | null;
}

/**
 * `keepsake:http` diagnostics channel: `{ route, method, status, statusCode }` per response on
 * a cached route, published only while someone subscribes. Per-route metrics hang off it.
 *
 * @example
 * ```ts
 * diagnostics.subscribe('keepsake:http', (m) => metrics.inc(m.route, m.status));
 * ```
 */
export const httpChannel = diagnostics.channel('keepsake:http');

/**
 * A cached route, as the hooks see it.
 *
 * @example
 * ```ts
 * const route: RouteState = { id: '/r', label: '/r', options, keyHeaders, counters };
 * ```
 */
export interface RouteState {
  /** Key identity: the pattern, plus constraints when the route has some. */
  readonly id: string;
  readonly label: string;
  readonly options: ResolvedRouteOptions;
  /** Request headers that are part of the key: the route's `vary`, then keyed forwarding. */
  readonly keyHeaders: readonly string[];
  readonly counters: RouteCounters;
}

/**
 * The state of a route being added, from its `config.cache` (or `allRoutes`); `undefined` when
 * the route is not cached. A mistake in the config is `ERR_OPTIONS` here, at startup. Routes
 * with one pattern and constraints (a GET and its HEAD) share the counters in `counters`.
 *
 * @example
 * ```ts
 * app.addHook('onRoute', (route) => {
 *   const state = routeState(route, false, counters);
 *   if (state) addLookupHook(route, state);
 * });
 * ```
 */
export function routeState(
  route: RouteOptions,
  allRoutes: boolean,
  counters: Map<string, RouteCounters>,
): RouteState | undefined {
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  const config = (route.config as { cache?: unknown } | undefined)?.cache;
  if (config === undefined && !allRoutes) return undefined;
  const where = `${methods.join(',')} ${route.url}`;
  if (!methods.includes('GET') && !methods.includes('HEAD')) {
    if (config !== undefined && config !== false) {
      throw new KeepsakeError('ERR_OPTIONS', `keepsake/fastify: route ${where} cannot be cached`, {
        hint: 'only GET (and HEAD) responses are cached; remove config.cache from this route',
      });
    }
    return undefined;
  }
  const options = resolveRouteOptions(config, where, allRoutes);
  if (options === undefined) return undefined;
  const constraints = route.constraints;
  const hasConstraints = constraints !== undefined && Object.keys(constraints).length > 0;
  const label = hasConstraints ? `${route.url} ${JSON.stringify(constraints)}` : route.url;
  let shared = counters.get(label);
  if (shared === undefined) {
    shared = { hits: 0, misses: 0, stale: 0, bypasses: 0, stores: 0 };
    counters.set(label, shared);
  }
  const keyHeaders = [...options.vary, ...KEYED_FORWARDING];
  return { id: label, label, options, keyHeaders, counters: shared };
}

/**
 * What the plugin knows about one request on a cached route.
 *
 * @example
 * ```ts
 * const state = (request as unknown as Carrier)[kState];
 * if (state?.status === 'HIT') metrics.hit();
 * ```
 */
export class RequestState {
  status: CacheStatus | undefined = undefined;
  base: string | undefined = undefined;
  /** The response may be stored. */
  store = false;
  credentialed = false;
  /** Answered from the cache: onSend leaves it alone. */
  served = false;
  refresh = false;
  /** An expired entry inside its stale-if-error window. */
  stale: HttpEntry | undefined = undefined;
  /** The coalescing group this request leads. */
  group: Group | undefined = undefined;
  tags: string[] | undefined = undefined;
  constructor(readonly route: RouteState) {}
}
