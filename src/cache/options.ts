import { type Clock, systemClock } from '../clock.js';
import { KeepsakeError } from '../errors.js';
import { memoryStore } from '../stores/memory-store.js';
import type { Store } from '../stores/store.js';

/**
 * Options of `createCache`. Every time is in milliseconds.
 *
 * @example
 * ```ts
 * const cache = createCache({
 *   tiers: [memoryStore(), diskStore()],
 *   ttl: 60_000,
 *   staleWhileRevalidate: 300_000,
 *   namespace: 'users',
 * });
 * ```
 */
export interface CacheOptions {
  /**
   * The tiers, read in this order; a hit in a lower tier is promoted into the tiers above it
   * with its remaining TTL. Put the fastest first.
   * @default [memoryStore()]
   */
  tiers?: Store[];
  /**
   * How long a value stays fresh, ms. Per call, `set(..., { ttl })` and `wrap(..., { ttl })`
   * override it.
   * @default undefined (never expires; bounded only by the tiers' own limits)
   */
  ttl?: number;
  /**
   * How long after `ttl` a stale value may still be served, ms. `wrap` returns it at once and
   * refreshes it in the background (one refresh per key); `get` returns it as is.
   * @default 0 (no stale window)
   */
  staleWhileRevalidate?: number;
  /**
   * Prefix for every key and tag this cache writes (`${namespace}:${key}`), so caches can share
   * a tier; `clear()` then clears only this namespace.
   * @default '' (no prefix)
   */
  namespace?: string;
  /**
   * What this cache is called in its `keepsake:*` events (`cache` field), so that a metrics
   * subscriber can tell caches apart. Changes no key.
   * @default the namespace, or 'default' without one (memoize: the function's `name`)
   */
  name?: string;
  /**
   * With a tier that can hold leases (`acquire`/`release`, e.g. a disk folder or Redis): on a
   * miss in `wrap`, one process or machine computes while the others wait for its result. The
   * lowest tier with leases holds them. `true` uses the defaults of {@link CacheLockOptions}.
   * @default false
   */
  lock?: boolean | CacheLockOptions;
  /**
   * How long an async tier may take on a read before it counts as a miss and an error, ms.
   * @default 250
   */
  readTimeout?: number;
  /**
   * How long an async tier may take on a write, delete, clear or close before the cache stops
   * waiting for it and counts an error, ms. Writes after a computation never delay `wrap`.
   * @default 1000
   */
  writeTimeout?: number;
  /**
   * The clock, epoch ms. Inject one in tests instead of sleeping. The default memory tier gets
   * it too; give the same clock to tiers you create yourself.
   * @default Date.now
   */
  now?: Clock;
}

/**
 * Lease tuning for `createCache({ lock })`.
 *
 * @example
 * ```ts
 * const cache = createCache({ tiers: [memoryStore(), diskStore()], lock: { ttl: 120_000 } });
 * ```
 */
export interface CacheLockOptions {
  /**
   * How long a lease lasts, ms: a computation longer than this may run twice; a crashed holder
   * blocks the others this long at most.
   * @default 30_000
   */
  ttl?: number;
  /**
   * How often a waiter looks for the holder's result, ms.
   * @default 50
   */
  pollInterval?: number;
}

/**
 * Per-call options of `cache.set` and `cache.setSync`.
 *
 * @example
 * ```ts
 * await cache.set(`user:${user.id}`, user, { ttl: 60_000, tags: [`user:${user.id}`] });
 * ```
 */
export interface SetOptions {
  /** Freshness, ms; overrides the cache's `ttl`. `Infinity`: never expires. */
  ttl?: number;
  /** Stale window after `ttl`, ms; overrides the cache's `staleWhileRevalidate`. */
  staleWhileRevalidate?: number;
  /** Tags for `invalidateTags`. */
  tags?: readonly string[];
}

/**
 * Per-call options of `cache.wrap` and `cache.wrapSync`.
 *
 * @example
 * ```ts
 * const user = await cache.wrap(`user:${id}`, () => db.users.find(id), {
 *   ttl: 60_000,
 *   tags: [`user:${id}`],
 *   shouldCache: (found) => found !== undefined,
 * });
 * ```
 */
export interface WrapOptions<T> {
  /** Freshness, ms, or a function of the computed value; `0` does not store it. */
  ttl?: number | ((value: T) => number);
  /** Stale window after `ttl`, ms; overrides the cache's `staleWhileRevalidate`. */
  staleWhileRevalidate?: number;
  /** Tags for `invalidateTags`, or a function of the computed value. */
  tags?: readonly string[] | ((value: T) => readonly string[]);
  /** Whether to store the computed value. @default () => true */
  shouldCache?: (value: T) => boolean;
}

/** Options after validation and defaults. */
export interface ResolvedCacheOptions {
  tiers: Store[];
  ttl: number | undefined;
  staleWhileRevalidate: number;
  prefix: string;
  label: string;
  lock: { ttl: number; pollInterval: number } | undefined;
  readTimeout: number;
  writeTimeout: number;
  now: Clock;
}

const STORE_METHODS = ['get', 'set', 'delete', 'clear'] as const;

/** Validates `createCache` options; every mistake is an `ERR_OPTIONS` at construction. */
export function resolveCacheOptions(options: CacheOptions): ResolvedCacheOptions {
  if (typeof options !== 'object' || options === null) {
    fail('options must be an object', 'call createCache() or createCache({ ttl: 60_000 })');
  }
  const now = options.now ?? systemClock;
  if (typeof now !== 'function') fail('`now` must be a function', 'pass () => Date.now()');
  const tiers = options.tiers ?? [memoryStore({ now })];
  if (!Array.isArray(tiers) || tiers.length === 0) {
    fail('`tiers` must be a non-empty array of stores', 'omit it for [memoryStore()]');
  }
  tiers.forEach(checkStore);
  if (new Set(tiers).size !== tiers.length) {
    fail('the same store is given twice in `tiers`', 'give each tier its own store');
  }
  const ttl = optionalTime('ttl', options.ttl, true);
  if (ttl === 0) fail('`ttl` must be > 0', 'omit `ttl` for entries that never expire');
  const staleWhileRevalidate = optionalTime('staleWhileRevalidate', options.staleWhileRevalidate);
  const readTimeout = optionalTime('readTimeout', options.readTimeout) ?? 250;
  const writeTimeout = optionalTime('writeTimeout', options.writeTimeout) ?? 1000;
  if (readTimeout === 0 || writeTimeout === 0 || !Number.isFinite(readTimeout + writeTimeout)) {
    fail('`readTimeout` and `writeTimeout` must be finite and > 0', 'e.g. readTimeout: 250');
  }
  const namespace = options.namespace ?? '';
  if (typeof namespace !== 'string') fail('`namespace` must be a string', "e.g. 'users'");
  const name = options.name ?? (namespace === '' ? 'default' : namespace);
  if (typeof name !== 'string' || name === '') {
    fail('`name` must be a non-empty string', "e.g. 'sessions'; it only labels events");
  }
  return {
    tiers,
    ttl,
    staleWhileRevalidate: staleWhileRevalidate ?? 0,
    prefix: namespace === '' ? '' : `${namespace}:`,
    label: name,
    lock: resolveLock(options.lock, tiers),
    readTimeout,
    writeTimeout,
    now,
  };
}

function resolveLock(lock: CacheOptions['lock'], tiers: Store[]): ResolvedCacheOptions['lock'] {
  if (lock === undefined || lock === false) return undefined;
  if (lock !== true && (typeof lock !== 'object' || lock === null)) {
    fail('`lock` must be a boolean or { ttl, pollInterval }', 'e.g. lock: true');
  }
  if (!tiers.some((t) => typeof t.acquire === 'function' && typeof t.release === 'function')) {
    fail(
      '`lock: true` needs a tier that holds leases (acquire/release)',
      'add a shared tier such as diskStore() or redisStore(), or drop `lock`',
    );
  }
  const given = lock === true ? {} : lock;
  const ttl = optionalTime('lock.ttl', given.ttl) ?? 30_000;
  const pollInterval = optionalTime('lock.pollInterval', given.pollInterval) ?? 50;
  if (ttl === 0 || pollInterval === 0 || !Number.isFinite(ttl + pollInterval)) {
    fail('`lock.ttl` and `lock.pollInterval` must be finite and > 0', 'e.g. { ttl: 30_000 }');
  }
  return { ttl, pollInterval };
}

function checkStore(store: Store, index: number): void {
  const where = `tiers[${index}]`;
  if (typeof store !== 'object' || store === null) {
    fail(`${where} is not a store`, 'pass memoryStore(), diskStore() or your own Store');
  }
  for (const method of STORE_METHODS) {
    if (typeof store[method] !== 'function') {
      fail(`${where} has no ${method}() method`, 'implement the Store interface (see its TSDoc)');
    }
  }
  if (store.kind !== 'value' && store.kind !== 'bytes') {
    fail(`${where}.kind must be 'value' or 'bytes'`, "live values: 'value'; codec bytes: 'bytes'");
  }
  if (typeof store.sync !== 'boolean') {
    fail(`${where}.sync must be a boolean`, 'true only when no method returns a promise');
  }
  if (typeof store.name !== 'string') fail(`${where}.name must be a string`, "e.g. 'disk'");
}

/**
 * Validates a time in ms: undefined, or a number >= 0. `Infinity` only where `infinite` allows.
 */
export function optionalTime(
  name: string,
  value: unknown,
  infinite = false,
  where = 'createCache',
): number | undefined {
  if (value === undefined) return undefined;
  if (
    typeof value !== 'number' ||
    Number.isNaN(value) ||
    value < 0 ||
    (!infinite && value === Number.POSITIVE_INFINITY)
  ) {
    fail(`\`${name}\` must be a number of milliseconds >= 0`, `got ${String(value)}`, where);
  }
  return value;
}

function fail(message: string, hint: string, where = 'createCache'): never {
  throw new KeepsakeError('ERR_OPTIONS', `${where}: ${message}`, { hint });
}

/**
 * The default of every per-call options parameter: known valid, so a call without options
 * (the common hit) skips validation.
 *
 * @example
 * ```ts
 * get(key: string, options: SetOptions = NO_OPTIONS) { checkSetOptions(options); ... }
 * ```
 */
export const NO_OPTIONS: Readonly<Record<string, never>> = Object.freeze({});

function checkObject(options: unknown, where: string): void {
  if (typeof options !== 'object' || options === null) {
    fail('options must be an object', `got ${String(options)}; omit them for the defaults`, where);
  }
}

/** Validates per-call `set` options (a programming error, so it throws at the call). */
export function checkSetOptions(options: SetOptions): void {
  if (options === NO_OPTIONS) return;
  checkObject(options, 'cache.set');
  optionalTime('ttl', options.ttl, true, 'cache.set');
  optionalTime('staleWhileRevalidate', options.staleWhileRevalidate, false, 'cache.set');
  if (options.tags !== undefined) checkTags(options.tags);
}

/**
 * Validates per-call `wrap` options at the call, before `compute` runs or a hit returns: the
 * values where they are given as values, the type where they are functions of the result.
 *
 * @example
 * ```ts
 * checkWrapOptions({ ttl: -1 }); // throws ERR_OPTIONS
 * ```
 */
export function checkWrapOptions<T>(options: WrapOptions<T>): void {
  if (options === NO_OPTIONS) return;
  checkObject(options, 'cache.wrap');
  const { ttl, tags, shouldCache } = options;
  if (typeof ttl !== 'function') optionalTime('ttl', ttl, true, 'cache.wrap');
  optionalTime('staleWhileRevalidate', options.staleWhileRevalidate, false, 'cache.wrap');
  if (tags !== undefined && typeof tags !== 'function') checkTags(tags);
  if (shouldCache !== undefined && typeof shouldCache !== 'function') {
    fail(
      '`shouldCache` must be a function of the value',
      'e.g. { shouldCache: (v) => v != null }',
      'cache.wrap',
    );
  }
}

/** Validates a tag list. */
export function checkTags(tags: readonly string[]): void {
  if (!Array.isArray(tags) || tags.some((tag) => typeof tag !== 'string')) {
    throw new KeepsakeError('ERR_OPTIONS', '`tags` must be an array of strings', {
      hint: "e.g. ['user:1']",
    });
  }
}
