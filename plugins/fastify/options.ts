import type { FastifyRequest } from 'fastify';
import { type Cache, type Clock, KeepsakeError, type Store } from '../../src/index.js';

/**
 * Options of the `keepsakeFastify` plugin. Every time is in milliseconds.
 *
 * @example
 * ```ts
 * await app.register(keepsakeFastify, {
 *   ttl: 60_000,
 *   staleWhileRevalidate: 30_000,
 *   tiers: [memoryStore({ maxBytes: 64 * 1024 ** 2 })],
 * });
 * ```
 */
export interface KeepsakeFastifyOptions {
  /**
   * Freshness of stored responses, ms, bounded by the response's own `s-maxage` / `max-age` /
   * `Expires`. Without it (here or on the route) the response's own freshness is used, and a
   * response with none is not stored.
   * @default undefined
   */
  ttl?: number;
  /**
   * After `ttl`, how long a stale response is served (`x-cache: STALE`) while one background
   * refresh runs, ms. Falls back to the response's `stale-while-revalidate` directive.
   * @default 0
   */
  staleWhileRevalidate?: number;
  /**
   * After `ttl`, how long a stale response is served instead of a handler that throws, answers
   * 5xx or times out (Fastify's `handlerTimeout` answers 503), ms. Falls back to the response's
   * `stale-if-error` directive.
   * @default 0
   */
  staleIfError?: number;
  /**
   * The cache tiers, as for `createCache`. Give `memoryStore({ maxBytes })` to bound the bytes
   * held. Not together with `cache`.
   * @default [memoryStore({ max: 10_000, maxBytes: 64 MiB })]
   */
  tiers?: Store[];
  /**
   * A cache of your own (shared with other code, or configured with `lock`, `namespace`...).
   * The plugin does not close it. Not together with `tiers`.
   */
  cache?: Cache;
  /**
   * Status codes that may be stored. 401, 403, 429, 5xx (and 1xx, 206, 304) are refused:
   * `ERR_OPTIONS` at registration.
   * @default [200]
   */
  statusCodes?: number[];
  /**
   * Largest body stored, bytes; larger bodies (and larger streams) pass through uncached.
   * @default 1_048_576 (1 MiB)
   */
  maxBodyBytes?: number;
  /**
   * Cache every GET route unless its `config.cache` is `false`.
   * @default false
   */
  allRoutes?: boolean;
  /**
   * Query parameters left out of the key and removed from `request.query` before the handler
   * runs (so a response cannot depend on them). A trailing `*` matches a prefix.
   * @default ['utm_*', 'fbclid', 'gclid', 'msclkid']
   */
  ignoreQuery?: string[];
  /**
   * Most variants (distinct values of the response's `Vary` headers) kept per base key; the
   * oldest goes first.
   * @default 32
   */
  maxVariants?: number;
  /**
   * How long concurrent misses on one key wait for the first one's response before running
   * the handler themselves, ms.
   * @default 5_000
   */
  coalesceTimeout?: number;
  /**
   * The clock, epoch ms, for `Age` and freshness. Inject one in tests; the default memory tier
   * gets it too.
   * @default Date.now
   */
  now?: Clock;
}

/**
 * Per-route `config.cache` object form. Every time is in milliseconds.
 *
 * @example
 * ```ts
 * app.get('/me', { config: { cache: { ttl: 30_000, key: (req) => req.user.id, tags: ['me'] } } }, h);
 * ```
 */
export interface RouteCacheOptions {
  /** Freshness for this route, ms; overrides the plugin's `ttl`. */
  ttl?: number;
  /** Overrides the plugin's `staleWhileRevalidate`, ms. */
  staleWhileRevalidate?: number;
  /** Overrides the plugin's `staleIfError`, ms. */
  staleIfError?: number;
  /** Tags for `app.keepsake.invalidate({ tags })`: a list, or a function of the request. */
  tags?: readonly string[] | ((request: FastifyRequest) => readonly string[]);
  /** Request headers that are part of the key (besides those the response names in `Vary`). */
  vary?: readonly string[];
  /**
   * A per-user (or per-anything) key part computed from the request, after your auth hooks;
   * it is hashed, never stored raw. Giving it opts requests with `Authorization` or `Cookie`
   * in to caching: each user gets their own entry.
   */
  key?: (request: FastifyRequest) => unknown;
  /**
   * Look up in `onRequest`, before the route's other hooks (auth included): only for
   * responses that are the same for everyone. Requests with `Authorization`/`Cookie` still
   * bypass unless `key` is given.
   * @default false
   */
  public?: boolean;
}

/**
 * `config.cache` of a route: `true` for the plugin's defaults, `false` to opt out.
 *
 * @example
 * ```ts
 * app.get('/health', { config: { cache: false } }, h); // opt out of allRoutes
 * ```
 */
export type RouteCacheConfig = boolean | RouteCacheOptions;

/** Plugin options after validation and defaults. */
export interface ResolvedPluginOptions {
  ttl: number | undefined;
  staleWhileRevalidate: number | undefined;
  staleIfError: number | undefined;
  statusCodes: ReadonlySet<number>;
  maxBodyBytes: number;
  allRoutes: boolean;
  ignoreQuery: string[];
  maxVariants: number;
  coalesceTimeout: number;
  now: Clock;
}

const PLUGIN_KEYS = new Set([
  'ttl',
  'staleWhileRevalidate',
  'staleIfError',
  'tiers',
  'cache',
  'statusCodes',
  'maxBodyBytes',
  'allRoutes',
  'ignoreQuery',
  'maxVariants',
  'coalesceTimeout',
  'now',
  // Fastify's own register options.
  'prefix',
  'logLevel',
  'logSerializers',
]);
const ROUTE_KEYS = new Set([
  'ttl',
  'staleWhileRevalidate',
  'staleIfError',
  'tags',
  'vary',
  'key',
  'public',
]);

function fail(message: string, hint: string): never {
  throw new KeepsakeError('ERR_OPTIONS', `keepsake/fastify: ${message}`, { hint });
}

function time(where: string, value: unknown, positive: boolean): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0 || (positive && value === 0)) {
    fail(
      `\`${where}\` must be a number of milliseconds ${positive ? '> 0' : '>= 0'}`,
      `got ${String(value)}`,
    );
  }
  return value;
}

function positiveInt(where: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    fail(`\`${where}\` must be a positive integer`, `got ${String(value)}`);
  }
  return value;
}

/** Whether a status may be stored at all by a shared cache in this plugin. */
function storableStatus(code: number): boolean {
  return (
    Number.isInteger(code) &&
    code >= 200 &&
    code < 500 &&
    code !== 206 &&
    code !== 304 &&
    code !== 401 &&
    code !== 403 &&
    code !== 407 &&
    code !== 429
  );
}

/**
 * Validates the plugin options; every mistake is `ERR_OPTIONS` at registration.
 *
 * @example
 * ```ts
 * resolvePluginOptions({ ttl: 1000 }).statusCodes.has(200); // true
 * ```
 */
export function resolvePluginOptions(options: KeepsakeFastifyOptions): ResolvedPluginOptions {
  if (typeof options !== 'object' || options === null) {
    fail('options must be an object', 'register(keepsakeFastify, { ttl: 60_000 })');
  }
  for (const key of Object.keys(options)) {
    if (!PLUGIN_KEYS.has(key)) {
      fail(`unknown option \`${key}\``, `known: ${[...PLUGIN_KEYS].slice(0, -3).join(', ')}`);
    }
  }
  if (options.tiers !== undefined && options.cache !== undefined) {
    fail('give `tiers` or `cache`, not both', 'put the tiers into your createCache({ tiers })');
  }
  if (
    options.cache !== undefined &&
    (typeof options.cache !== 'object' ||
      options.cache === null ||
      typeof options.cache.get !== 'function')
  ) {
    fail('`cache` must be a Cache from createCache()', 'cache: createCache({ ... })');
  }
  const statusCodes = options.statusCodes ?? [200];
  if (!Array.isArray(statusCodes) || statusCodes.length === 0) {
    fail('`statusCodes` must be a non-empty array', 'e.g. [200, 404]');
  }
  for (const code of statusCodes) {
    if (!storableStatus(code)) {
      fail(
        `status ${String(code)} may not be stored`,
        'a shared cache never stores 401, 403, 407, 429, 5xx, 206, 304 or 1xx answers',
      );
    }
  }
  const ignoreQuery = options.ignoreQuery ?? ['utm_*', 'fbclid', 'gclid', 'msclkid'];
  if (
    !Array.isArray(ignoreQuery) ||
    ignoreQuery.some((n) => typeof n !== 'string' || n === '' || n === '*')
  ) {
    fail('`ignoreQuery` must be an array of parameter names', "e.g. ['utm_*', 'fbclid']");
  }
  if (options.allRoutes !== undefined && typeof options.allRoutes !== 'boolean') {
    fail('`allRoutes` must be a boolean', 'allRoutes: true');
  }
  const now = options.now ?? Date.now;
  if (typeof now !== 'function') fail('`now` must be a function', '() => Date.now()');
  return {
    ttl: time('ttl', options.ttl, true),
    staleWhileRevalidate: time('staleWhileRevalidate', options.staleWhileRevalidate, false),
    staleIfError: time('staleIfError', options.staleIfError, false),
    statusCodes: new Set(statusCodes),
    maxBodyBytes: positiveInt('maxBodyBytes', options.maxBodyBytes, 1024 * 1024),
    allRoutes: options.allRoutes ?? false,
    ignoreQuery,
    maxVariants: positiveInt('maxVariants', options.maxVariants, 32),
    coalesceTimeout: positiveInt('coalesceTimeout', options.coalesceTimeout, 5_000),
    now,
  };
}

/** A route's cache settings after validation, or `undefined` when the route is not cached. */
export interface ResolvedRouteOptions {
  ttl: number | undefined;
  staleWhileRevalidate: number | undefined;
  staleIfError: number | undefined;
  tags: RouteCacheOptions['tags'];
  vary: readonly string[];
  key: RouteCacheOptions['key'];
  public: boolean;
}

/**
 * Validates one route's `config.cache` (at `onRoute`, so a mistake fails at startup).
 * `undefined` when the route is not cached.
 *
 * @example
 * ```ts
 * resolveRouteOptions({ ttl: 5000 }, 'GET /report', false)?.ttl; // 5000
 * ```
 */
export function resolveRouteOptions(
  config: unknown,
  where: string,
  allRoutes: boolean,
): ResolvedRouteOptions | undefined {
  if (config === undefined) config = allRoutes;
  if (config === false) return undefined;
  const route = `route ${where}: config.cache`;
  if (config === true) config = {};
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    fail(`${route} must be true, false or an object`, 'config: { cache: { ttl: 60_000 } }');
  }
  const c = config as Record<string, unknown>;
  for (const key of Object.keys(c)) {
    if (!ROUTE_KEYS.has(key))
      fail(`${route} has an unknown option \`${key}\``, `known: ${[...ROUTE_KEYS].join(', ')}`);
  }
  const tags = c.tags;
  if (
    tags !== undefined &&
    typeof tags !== 'function' &&
    (!Array.isArray(tags) || tags.some((t) => typeof t !== 'string'))
  ) {
    fail(`${route}.tags must be an array of strings or a function`, "tags: ['reports']");
  }
  const vary = c.vary ?? [];
  if (
    !Array.isArray(vary) ||
    vary.some((h) => typeof h !== 'string' || h === '' || h.trim() === '*')
  ) {
    fail(`${route}.vary must be an array of header names`, "vary: ['accept-language']");
  }
  if (c.key !== undefined && typeof c.key !== 'function') {
    fail(`${route}.key must be a function of the request`, 'key: (req) => req.user.id');
  }
  if (c.public !== undefined && typeof c.public !== 'boolean') {
    fail(`${route}.public must be a boolean`, 'public: true');
  }
  return {
    ttl: time(`${route}.ttl`, c.ttl, true),
    staleWhileRevalidate: time(`${route}.staleWhileRevalidate`, c.staleWhileRevalidate, false),
    staleIfError: time(`${route}.staleIfError`, c.staleIfError, false),
    tags: tags as RouteCacheOptions['tags'],
    vary: [...new Set((vary as string[]).map((h) => h.trim().toLowerCase()))].sort(),
    key: c.key as RouteCacheOptions['key'],
    public: c.public === true,
  };
}
