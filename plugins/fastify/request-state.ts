/**
 * Per-route and per-request state of the plugin, and the `keepsake:http` channel. A request on
 * a cached route carries a {@link RequestState} in a request decoration (`kState`), set by the
 * lookup hook and read by the global onSend hook and `reply.cacheStatus`. The helpers
 * `http-cache.ts` works on them with are here too: {@link addLookupHook} puts the lookup on a
 * route, {@link countResponse} records each answer (counters and channel), and
 * {@link releaseGroup} lets the requests coalesced behind one look again.
 */
import diagnostics from 'node:diagnostics_channel';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction, RouteOptions } from 'fastify';
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
 *   if (state) addLookupHook(route, state, (req, reply, done) => lookup(state, req, reply, done));
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
  /** Answered from an entry stored without a content-type (a stream's): onSend takes off the
   * `application/octet-stream` Fastify gives a Buffer body, so the hit says what the miss said. */
  untyped = false;
  refresh = false;
  /** An expired entry inside its stale-if-error window. */
  stale: HttpEntry | undefined = undefined;
  /** The coalescing group this request leads. */
  group: Group | undefined = undefined;
  tags: string[] | undefined = undefined;
  constructor(readonly route: RouteState) {}
}

/**
 * The cache lookup a cached route runs, as a Fastify hook.
 *
 * @example
 * ```ts
 * const hook: LookupHook = (request, reply, done) => lookup(state, request, reply, done);
 * ```
 */
export type LookupHook = (
  request: FastifyRequest,
  reply: FastifyReply,
  done: HookHandlerDoneFunction,
) => void;

const toList = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? [...v] : [v]);

/**
 * Adds the lookup `hook` to a cached route: first in `onRequest` when the route is
 * `public: true` (before the app's auth hooks), else last in `preHandler` (after them).
 *
 * @example
 * ```ts
 * addLookupHook(route, state, (request, reply, done) => lookup(state, request, reply, done));
 * ```
 */
export function addLookupHook(route: RouteOptions, state: RouteState, hook: LookupHook): void {
  // New arrays, never push: Fastify's HEAD route shares the GET route's option arrays.
  if (state.options.public)
    route.onRequest = [hook, ...toList(route.onRequest)] as NonNullable<RouteOptions['onRequest']>;
  else
    route.preHandler = [...toList(route.preHandler), hook] as NonNullable<
      RouteOptions['preHandler']
    >;
}

/**
 * Records how a request on a cached route was answered: `status` in its state, its route's
 * counter, and a message on {@link httpChannel} while someone subscribes.
 *
 * @example
 * ```ts
 * countResponse(state, 'HIT', request, entry.status);
 * ```
 */
export function countResponse(
  state: RequestState,
  status: CacheStatus,
  request: FastifyRequest,
  statusCode: number,
): void {
  state.status = status;
  const c = state.route.counters;
  if (status === 'HIT') c.hits++;
  else if (status === 'MISS') c.misses++;
  else if (status === 'STALE') c.stale++;
  else c.bypasses++;
  if (httpChannel.hasSubscribers) {
    httpChannel.publish({ route: state.route.label, method: request.method, status, statusCode });
  }
}

/**
 * Releases the coalescing group the request leads, if any, once: its waiters look again.
 *
 * @example
 * ```ts
 * store.store(key, entry, vary, request.headers).then(() => releaseGroup(state));
 * ```
 */
export function releaseGroup(state: RequestState): void {
  const group = state.group;
  if (group === undefined) return;
  state.group = undefined;
  group.release();
}
