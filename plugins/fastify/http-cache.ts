/**
 * The plugin's lifecycle: where in Fastify's request flow the cache looks up, waits, serves,
 * stores and invalidates.
 *
 * ```text
 *   onRequest   (route, `public: true` only)  lookup ─┐
 *   ...app's auth hooks...                            │  hit/stale -> reply.send(stored body)
 *   preHandler  (route, appended last)         lookup ─┤  miss -> coalesce -> handler
 *   handler                                            │
 *   onSend      (global, registered with the plugin)  ─┴> store (buffer or tee a stream),
 *                                                         stale-if-error, x-cache, etag, 304;
 *                                                         unsafe methods invalidate the path
 *   route onSend hooks (@fastify/compress...)            run on hits and misses alike
 * ```
 *
 * Why a global onSend: route-level onSend hooks (compress) always run after global ones, so the
 * body is stored before compression in either registration order, and a hit goes through the
 * same compression again. Global onSend hooks registered before keepsake run before it and
 * would run twice on a hit's stored payload: register keepsake before payload-rewriting hooks.
 *
 * Stale-while-revalidate refreshes replay the request through `app.inject`: see `refresher.ts`.
 */

import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  HookHandlerDoneFunction,
  RouteOptions,
} from 'fastify';
import { hashKey, isThenable, type MaybePromise } from '../../src/index.js';
import { captureStream } from './capture-stream.js';
import { Coalescer } from './coalescer.js';
import { ifNoneMatch } from './etag.js';
import { storagePolicy, varyNames } from './freshness.js';
import { byteSize, entryMaker, type HttpEntry, ownBytes } from './http-entry.js';
import type { ResolvedPluginOptions } from './options.js';
import { REFRESH_HEADER, Refresher } from './refresher.js';
import { notModified, replyFromEntry } from './reply-from-entry.js';
import { RequestKeyer } from './request-key.js';
import { hasBody, hasCredentials, unstorableRequest } from './request-rules.js';
import {
  addLookupHook,
  type Carrier,
  countResponse,
  kState,
  RequestState,
  type RouteState,
  releaseGroup,
  routeState,
} from './request-state.js';
import type { ResponseStore } from './response-store.js';
import { entryTags, targetTags } from './tags.js';
import type {
  CacheStatus,
  InvalidateTarget,
  KeepsakeFastifyStats,
  RouteCounters,
} from './types.js';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Whether the handler's response to `request` may be stored (its lookup found nothing fresh). */
const storable = (request: FastifyRequest): boolean =>
  request.method === 'GET' && !unstorableRequest(request.headers);

/**
 * The response cache bound to one Fastify instance; `index.ts` wires it into hooks.
 *
 * @example
 * ```ts
 * const http = new HttpCache(app, new ResponseStore(cache, Date.now, 32), resolved);
 * app.addHook('onRoute', (route) => http.onRoute(route));
 * app.addHook('onSend', http.onSend);
 * ```
 */
export class HttpCache {
  readonly store: ResponseStore;
  readonly #options: ResolvedPluginOptions;
  readonly #coalescer: Coalescer;
  readonly #refresher: Refresher;
  readonly #keyer: RequestKeyer;
  readonly #routes = new Map<string, RouteCounters>();
  #hasRoutes = false;

  constructor(app: FastifyInstance, store: ResponseStore, options: ResolvedPluginOptions) {
    this.store = store;
    this.#options = options;
    this.#coalescer = new Coalescer(options.coalesceTimeout);
    this.#keyer = new RequestKeyer(options.ignoreQuery);
    this.#refresher = new Refresher(app);
  }

  /** `onRoute`: validates `config.cache` and adds the lookup hook to cached GET/HEAD routes. */
  onRoute(route: RouteOptions): void {
    const state = routeState(route, this.#options.allRoutes, this.#routes);
    if (state === undefined) return;
    addLookupHook(route, state, (request, reply, done) =>
      this.#lookup(state, request, reply, done),
    );
    this.#hasRoutes = true;
  }

  #lookup(
    route: RouteState,
    request: FastifyRequest,
    reply: FastifyReply,
    done: HookHandlerDoneFunction,
  ): void {
    const method = request.method;
    if (method !== 'GET' && method !== 'HEAD') return done();
    const state = new RequestState(route);
    (request as unknown as Carrier)[kState] = state;
    const headers = request.headers;
    const marker = headers[REFRESH_HEADER];
    if (marker !== undefined) {
      delete headers[REFRESH_HEADER];
      state.refresh = this.#refresher.isRefresh(marker);
    }
    state.credentialed = hasCredentials(headers);
    if ((state.credentialed && route.options.key === undefined) || hasBody(headers)) {
      state.status = 'BYPASS';
      return done();
    }
    let user: string | undefined;
    if (route.options.key !== undefined) {
      try {
        user = hashKey(route.options.key(request));
      } catch (error) {
        request.log.warn({ err: error }, 'keepsake: config.cache.key() threw; response not cached');
        state.status = 'BYPASS';
        return done();
      }
    }
    try {
      this.#keyer.dropIgnoredQuery(request);
      state.base = this.#keyer.key(route, request, user);
    } catch (error) {
      // A key that cannot be built is a bypass, never a failed request.
      request.log.warn({ err: error }, 'keepsake: no cache key for this request');
      state.status = 'BYPASS';
      return done();
    }
    if (state.refresh) {
      state.store = storable(request);
      state.status = 'MISS';
      return done();
    }
    this.#find(request, reply, state, true, done);
  }

  #find(
    request: FastifyRequest,
    reply: FastifyReply,
    state: RequestState,
    mayWait: boolean,
    done: HookHandlerDoneFunction,
  ): void {
    let found: MaybePromise<HttpEntry | undefined>;
    try {
      found = this.store.lookup(state.base!, state.route.id, request.headers);
    } catch {
      found = undefined;
    }
    if (!isThenable(found)) return this.#decide(request, reply, state, found, mayWait, done);
    found.then(
      (entry) => this.#decide(request, reply, state, entry, mayWait, done),
      () => this.#decide(request, reply, state, undefined, mayWait, done),
    );
  }

  #decide(
    request: FastifyRequest,
    reply: FastifyReply,
    state: RequestState,
    entry: HttpEntry | undefined,
    mayWait: boolean,
    done: HookHandlerDoneFunction,
  ): void {
    if (entry !== undefined) {
      const now = this.#options.now();
      if (now < entry.freshUntil) return this.#serve(request, reply, state, entry, 'HIT', now);
      if (now < entry.staleUntil) {
        this.#refresher.refresh(request, state.base!);
        return this.#serve(request, reply, state, entry, 'STALE', now);
      }
      if (now < entry.errorUntil) state.stale = entry;
    }
    // Only now, on the way to the handler: a hit never needs to know.
    state.store = storable(request);
    if (state.store && mayWait) {
      const joined = this.#coalescer.join(state.base!);
      if (joined instanceof Promise) {
        // Someone else is computing this key: look again when they are done (or gave up).
        joined.then(() => this.#find(request, reply, state, false, done));
        return;
      }
      state.group = joined;
    }
    state.status = state.store || request.method === 'HEAD' ? 'MISS' : 'BYPASS';
    done();
  }

  #serve(
    request: FastifyRequest,
    reply: FastifyReply,
    state: RequestState,
    entry: HttpEntry,
    status: CacheStatus,
    now: number,
  ): void {
    state.served = true;
    if (entry.headers['content-type'] === undefined) state.untyped = true;
    countResponse(state, status, request, entry.status);
    const body = replyFromEntry(
      reply,
      entry,
      status,
      request.headers['if-none-match'],
      state.credentialed,
      now,
    );
    // A 304 has no body: send() without a payload, or Fastify would serialize `null`.
    if (body === null) reply.send();
    else reply.send(body);
  }

  /** Global `onSend`: stores misses, serves stale on errors, invalidates on unsafe methods. */
  readonly onSend = (
    request: FastifyRequest,
    reply: FastifyReply,
    payload: unknown,
    done: (error: Error | null, payload?: unknown) => void,
  ): void => {
    const state = (request as unknown as Carrier)[kState];
    if (state == null) {
      if (this.#hasRoutes && UNSAFE.has(request.method) && reply.statusCode < 400) {
        // Before the response leaves: a client that writes then reads sees its write.
        this.invalidate({ url: request.url }).then(
          () => done(null, payload),
          () => done(null, payload),
        );
        return;
      }
      return done(null, payload);
    }
    if (state.served) {
      if (state.untyped) reply.removeHeader('content-type');
      return done(null, payload);
    }
    try {
      this.#onSend(request, reply, state, payload, done);
    } catch (error) {
      releaseGroup(state);
      request.log.warn({ err: error }, 'keepsake: response not cached');
      done(null, payload);
    }
  };

  #onSend(
    request: FastifyRequest,
    reply: FastifyReply,
    state: RequestState,
    payload: unknown,
    done: (error: Error | null, payload?: unknown) => void,
  ): void {
    const route = state.route;
    const code = reply.statusCode;
    const now = this.#options.now();
    const stale = state.stale;
    if (stale !== undefined && code >= 500 && now < stale.errorUntil) {
      // stale-if-error: the stored response replaces the error, headers and all.
      releaseGroup(state);
      for (const name of Object.keys(reply.getHeaders())) reply.removeHeader(name);
      state.served = true;
      countResponse(state, 'STALE', request, stale.status);
      return done(
        null,
        replyFromEntry(
          reply,
          stale,
          'STALE',
          request.headers['if-none-match'],
          state.credentialed,
          now,
        ),
      );
    }
    const status = state.status ?? 'MISS';
    const headers = reply.getHeaders();
    let entry: HttpEntry | undefined;
    let vary: readonly string[] = [];
    const policy =
      state.store && this.#options.statusCodes.has(code)
        ? storagePolicy(
            headers,
            {
              ttl: route.options.ttl ?? this.#options.ttl,
              staleWhileRevalidate:
                route.options.staleWhileRevalidate ?? this.#options.staleWhileRevalidate,
              staleIfError: route.options.staleIfError ?? this.#options.staleIfError,
            },
            now,
          )
        : undefined;
    reply.header('x-cache', status);
    countResponse(state, status, request, code);
    if (state.credentialed && !reply.hasHeader('cache-control'))
      reply.header('cache-control', 'private');
    if (policy === undefined) {
      releaseGroup(state);
      return done(null, payload);
    }
    vary = varyNames(headers.vary) as readonly string[];
    const tags = entryTags(request, state);
    const own = headers.etag === undefined ? undefined : String(headers.etag);
    const make = entryMaker({ route: route.id, status: code, headers, policy, tags, now });
    const save = (e: HttpEntry) => {
      route.counters.stores++;
      this.store.store(state.base!, e, vary, request.headers).then(() => releaseGroup(state));
    };
    const max = this.#options.maxBodyBytes;
    if (
      payload === null ||
      payload === undefined ||
      typeof payload === 'string' ||
      Buffer.isBuffer(payload)
    ) {
      const bytes = payload ?? '';
      const size = byteSize(bytes);
      if (size > max) {
        releaseGroup(state);
        return done(null, payload);
      }
      entry = make(ownBytes(bytes, size));
      if (own === undefined) reply.header('etag', entry.etag);
      save(entry);
      if (ifNoneMatch(request.headers['if-none-match'], entry.etag)) {
        notModified(reply);
        return done(null, null);
      }
      return done(null, payload);
    }
    if (typeof (payload as NodeJS.ReadableStream).pipe === 'function') {
      const tee = captureStream(payload as NodeJS.ReadableStream, max, (body) => {
        if (body === undefined) releaseGroup(state);
        else save(make(body));
      });
      return done(null, tee);
    }
    releaseGroup(state);
    done(null, payload);
  }

  /** `app.keepsake.invalidate`. */
  invalidate(target: InvalidateTarget): Promise<number> {
    let tags: string[];
    try {
      tags = targetTags(target);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.store.invalidate(tags);
  }

  /** `app.keepsake.stats`. */
  stats(): KeepsakeFastifyStats {
    const routes: Record<string, RouteCounters> = {};
    for (const [label, c] of this.#routes) routes[label] = { ...c };
    return { cache: this.store.cache.stats(), routes };
  }

  /** Stops new refreshes and waits for the running ones. */
  close(): Promise<void> {
    return this.#refresher.close();
  }
}
