import { closedError, closeEngine } from './cache/close-engine.js';
import { Engine, type Hit } from './cache/engine.js';
import { found, withLease, withLeaseSync } from './cache/lock.js';
import {
  type CacheOptions,
  checkSetOptions,
  checkTags,
  checkWrapOptions,
  NO_OPTIONS,
  optionalTime,
  type ResolvedCacheOptions,
  resolveCacheOptions,
  type SetOptions,
  type WrapOptions,
} from './cache/options.js';
import { type CacheStats, cacheStats } from './cache/stats.js';
import type { Tier } from './cache/tier.js';
import { KeepsakeError } from './errors.js';
import { channels, publish } from './events.js';
import { isThenable } from './stores/store.js';

export type { CacheLockOptions, CacheOptions, SetOptions, WrapOptions } from './cache/options.js';
export type { CacheStats } from './cache/stats.js';
export type { TierStats } from './cache/tier.js';

/**
 * A tiered read-through cache; create it with {@link createCache}. Tiers are read in order, a
 * lower-tier hit is promoted upwards with its remaining TTL, a miss in `wrap` runs the
 * computation once however many callers wait for it. A failing or hanging tier never fails a
 * call: it is counted in `stats()` and published on `keepsake:error`.
 *
 * Sync path: when every tier is sync (`cache.sync`), `getSync`, `setSync` and `wrapSync` work
 * without promises; on a cache with an async tier they throw `ERR_OPTIONS`. `peek` reads only
 * the sync tiers at the top and works on any cache.
 *
 * @example
 * ```ts
 * const cache = createCache({ ttl: 60_000, staleWhileRevalidate: 10_000 });
 * const user = await cache.wrap(`user:${id}`, () => db.users.find(id), { tags: [`user:${id}`] });
 * await cache.invalidateTags([`user:${id}`]);
 * ```
 */
export class Cache {
  #e: Engine;
  #lock: ResolvedCacheOptions['lock'];
  #leaseTier: Tier | undefined;
  /** Misses being filled, by namespaced key: later callers join them. */
  #inflight = new Map<string, Promise<unknown>>();
  /** Background SWR refreshes, by namespaced key: at most one per key. */
  #refreshing = new Map<string, Promise<unknown>>();
  #closed = false;
  #closing: Promise<void> | undefined;
  /** Every tier sync, a tag-indexed value store in front, not closed: getSync's fast path. */
  #fastSync: boolean;

  constructor(options: CacheOptions = {}) {
    const resolved = resolveCacheOptions(options);
    this.#e = new Engine(resolved);
    this.#lock = resolved.lock;
    // The lowest tier with leases: the one shared by the most processes.
    this.#leaseTier = this.#lock && this.#e.tiers.findLast((t) => t.lease);
    this.#fastSync = this.#e.allSync && this.#e.frontFast;
  }

  /** `true` when every tier is sync, so `getSync`, `setSync` and `wrapSync` are available. */
  get sync(): boolean {
    return this.#e.allSync;
  }

  /** The value under `key` from the first tier that has it (stale values included), promoted. */
  get<T = unknown>(key: string): Promise<T | undefined> {
    if (this.#closed) return Promise.reject(closedError('get'));
    const e = this.#e;
    const k = this.#key(key);
    let from = 0;
    if (e.frontFast) {
      const entry = e.frontRead(k);
      if (entry !== undefined) return Promise.resolve(this.#frontHit(k, entry.value) as T);
      e.front.misses++;
      from = 1;
    }
    if (e.allSync) return Promise.resolve(this.#counted(k, e.lookupSync(k, from, e.tiers.length)));
    return e.lookup(k, from).then((hit) => this.#counted<T>(k, hit));
  }

  /**
   * {@link Cache.get} without a promise. The hot path: one map lookup in the memory tier, no
   * clock read unless the entry has a stale window, no event unless someone subscribes.
   * @throws KeepsakeError `ERR_OPTIONS` when a tier is async.
   */
  getSync<T = unknown>(key: string): T | undefined {
    const e = this.#e;
    // One flag for "all sync, not closed, memory in front": the common case costs one test.
    const k = this.#key(key);
    if (!this.#fastSync) {
      this.#syncGuard('getSync');
      if (!e.frontFast) return this.#counted(k, e.lookupSync(k, 0, e.tiers.length));
    }
    const entry = e.frontRead(k);
    if (entry !== undefined) return this.#frontHit(k, entry.value) as T;
    e.front.misses++;
    const from = 1;
    return this.#counted(k, e.lookupSync(k, from, e.tiers.length));
  }

  /** The value under `key` in the sync tiers at the top (memory), never awaiting or computing. */
  peek<T = unknown>(key: string): T | undefined {
    if (this.#closed) throw closedError('peek');
    const e = this.#e;
    const k = this.#key(key);
    return this.#counted(k, e.lookupSync(k, 0, e.syncPrefix));
  }

  /** Stores `value` in every tier (encoded once for the byte tiers); resolves when written. */
  async set(key: string, value: unknown, options: SetOptions = NO_OPTIONS): Promise<void> {
    if (this.#closed) throw closedError('set');
    checkSetOptions(options);
    await this.#e.put(this.#key(key), value, options);
  }

  /**
   * {@link Cache.set} without a promise.
   * @throws KeepsakeError `ERR_OPTIONS` when a tier is async.
   */
  setSync(key: string, value: unknown, options: SetOptions = NO_OPTIONS): void {
    this.#syncGuard('setSync');
    checkSetOptions(options);
    this.#e.put(this.#key(key), value, options);
  }

  /** Removes `key` from every tier; `true` when some tier had it. */
  async delete(key: string): Promise<boolean> {
    if (this.#closed) throw closedError('delete');
    this.#e.deletes++;
    return this.#e.removeEverywhere(this.#key(key));
  }

  /**
   * The cached value for `key`, or `compute()`'s, stored. Concurrent callers of one key share
   * one computation; a rejection is not cached and reaches every waiter. A stale value (inside
   * `staleWhileRevalidate`) is returned at once while one background refresh runs; a failed
   * refresh is counted and published, and the stale value stays until its window ends.
   * Rejects with `ERR_OPTIONS` for bad `options` before `compute` runs, on a hit too.
   */
  wrap<T>(
    key: string,
    compute: () => T | Promise<T>,
    options: WrapOptions<T> = NO_OPTIONS,
  ): Promise<T> {
    if (this.#closed) return Promise.reject(closedError('wrap'));
    try {
      checkWrapOptions(options);
    } catch (error) {
      return Promise.reject(error);
    }
    const e = this.#e;
    const k = this.#key(key);
    let from = 0;
    if (e.frontFast) {
      const entry = e.frontRead(k);
      if (entry !== undefined) {
        if (entry.staleUntil !== undefined && e.isStale(entry)) this.#refresh(k, compute, options);
        return Promise.resolve(this.#frontHit(k, entry.value) as T);
      }
      e.front.misses++;
      from = 1;
    }
    const running = this.#inflight.get(k) ?? this.#refreshing.get(k);
    if (running !== undefined) return running as Promise<T>;
    const filling = this.#fill(k, compute, options, from);
    this.#inflight.set(k, filling);
    // Registered before any caller's handlers, so it runs first: a waiter that retries from its
    // catch handler starts a new computation instead of joining the rejected one.
    const done = () => {
      if (this.#inflight.get(k) === filling) this.#inflight.delete(k);
    };
    filling.then(done, done);
    return filling;
  }

  /**
   * {@link Cache.wrap} for a synchronous `compute`, returning its value directly. A stale hit is
   * returned and refreshed in a microtask.
   * @throws KeepsakeError `ERR_OPTIONS` for bad `options` (before `compute` runs), when a tier
   * is async, or when `compute` returns a promise (use `wrap`).
   */
  wrapSync<T>(key: string, compute: () => T, options: WrapOptions<T> = NO_OPTIONS): T {
    const e = this.#e;
    if (!e.allSync || this.#closed) this.#syncGuard('wrapSync');
    checkWrapOptions(options);
    const k = this.#key(key);
    let from = 0;
    if (e.frontFast) {
      const entry = e.frontRead(k);
      if (entry !== undefined) {
        if (entry.staleUntil !== undefined && e.isStale(entry)) this.#refresh(k, compute, options);
        return this.#frontHit(k, entry.value) as T;
      }
      e.front.misses++;
      from = 1;
    }
    const hit = e.lookupSync(k, from, e.tiers.length);
    if (hit !== undefined) return this.#hit(k, hit, compute, options) as T;
    this.#miss(k);
    const produce = (): T => {
      const value = compute();
      if (isThenable(value)) {
        value.then(undefined, () => {});
        throw new KeepsakeError('ERR_OPTIONS', `wrapSync("${key}"): compute returned a promise`, {
          hint: 'use cache.wrap() for functions that return promises',
        });
      }
      this.#store(k, value, options, false);
      return value;
    };
    const lease = this.#leaseTier;
    if (lease === undefined) return produce();
    return withLeaseSync(lease, k, this.#lock!, {
      look: () => found(e.lookupSync(k, lease.index, e.tiers.length)),
      produce,
    });
  }

  /**
   * Drops every entry tagged with any of `tags`, in every tier, and resolves the number of
   * distinct keys dropped by tiers with a tag index (the memory store has one). Tiers without
   * one drop their tagged entries lazily: an entry created before the invalidation of one of its
   * tags is a miss when read, so it is never served; those are not counted.
   */
  async invalidateTags(tags: readonly string[]): Promise<number> {
    if (this.#closed) throw closedError('invalidateTags');
    checkTags(tags);
    return this.#e.invalidateTags(tags.map((tag) => this.#e.prefix + tag));
  }

  /** Empties every tier (only this cache's keys when it has a `namespace`). */
  async clear(): Promise<void> {
    if (this.#closed) throw closedError('clear');
    await this.#e.clear();
  }

  /** Counters since creation, cache-wide and per tier. */
  stats(): CacheStats {
    return cacheStats(this.#e, this.#inflight, this.#refreshing);
  }

  /**
   * Waits for background writes and refreshes (at most `writeTimeout` ms), then closes every
   * tier. Idempotent. Afterwards every method but `stats` throws `ERR_CLOSED`.
   */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#closed = true;
    this.#fastSync = false;
    await closeEngine(this.#e);
  }

  async #fill<T>(
    k: string,
    compute: () => T | Promise<T>,
    options: WrapOptions<T>,
    from: number,
  ): Promise<T> {
    const e = this.#e;
    const hit = await e.lookup(k, from);
    if (hit !== undefined) return this.#hit(k, hit, compute, options) as T;
    this.#miss(k);
    const lease = this.#leaseTier;
    if (lease === undefined) {
      const value = await compute();
      this.#store(k, value, options, false);
      return value;
    }
    return withLease(lease, k, this.#lock!, {
      look: () => e.lookup(k, lease.index).then((hit) => found<T>(hit)),
      produce: async () => {
        const value = await compute();
        // The waiters poll the lease tier: it must hold the value before the lease goes.
        await this.#store(k, value, options, true);
        return value;
      },
    });
  }

  /** Starts one background refresh of `k`, unless one runs already. */
  #refresh<T>(k: string, compute: () => T | Promise<T>, options: WrapOptions<T>): void {
    if (this.#refreshing.has(k) || this.#closed) return;
    const refreshing = Promise.resolve()
      .then(compute)
      .then((value) => {
        this.#store(k, value, options, false);
        return value;
      });
    this.#refreshing.set(k, refreshing);
    const done = () => {
      if (this.#refreshing.get(k) === refreshing) this.#refreshing.delete(k);
    };
    this.#e.track(
      refreshing.then(done, (error: unknown) => {
        done();
        this.#e.report('refresh', k, error);
      }),
    );
  }

  /** Stores a computed value per the wrap options; `wait` keeps async writes in the caller. */
  #store<T>(
    k: string,
    value: T,
    options: WrapOptions<T>,
    wait: boolean,
  ): Promise<unknown> | undefined {
    if (this.#closed) return;
    if (options.shouldCache !== undefined && !options.shouldCache(value)) return;
    const ttl = typeof options.ttl === 'function' ? options.ttl(value) : options.ttl;
    optionalTime('ttl', ttl, true, 'cache.wrap');
    const tags = typeof options.tags === 'function' ? options.tags(value) : options.tags;
    if (tags !== undefined && tags !== options.tags) checkTags(tags);
    const written = this.#e.put(k, value, {
      ttl,
      staleWhileRevalidate: options.staleWhileRevalidate,
      tags,
    });
    if (written === undefined) return;
    if (wait) return written;
    // Computed values reach the caller at once; slow tiers finish in the background.
    this.#e.track(written);
  }

  #frontHit(k: string, value: unknown): unknown {
    const e = this.#e;
    // One counter on the hot path; stats() adds it to both the cache's and tier 0's hits.
    e.frontHits++;
    if (channels.hit.hasSubscribers) {
      channels.hit.publish({ cache: e.label, tier: e.front.name, key: k });
    }
    return value;
  }

  #hit<T>(k: string, hit: Hit, compute: () => T | Promise<T>, options: WrapOptions<T>): unknown {
    if (hit.stale) this.#refresh(k, compute, options);
    return this.#counted(k, hit);
  }

  #counted<T>(k: string, hit: Hit | undefined): T | undefined {
    if (hit === undefined) {
      this.#miss(k);
      return undefined;
    }
    this.#e.hits++;
    publish('hit', () => ({ cache: this.#e.label, tier: hit.tier.name, key: k }));
    return hit.value as T;
  }

  #miss(k: string): void {
    this.#e.misses++;
    publish('miss', () => ({ cache: this.#e.label, key: k }));
  }

  #key(key: string): string {
    return this.#e.prefix === '' ? key : this.#e.prefix + key;
  }

  #syncGuard(method: string): void {
    if (this.#closed) throw closedError(method);
    if (!this.#e.allSync) {
      const slow = this.#e.tiers.find((t) => !t.sync)!;
      throw new KeepsakeError('ERR_OPTIONS', `${method}() needs every tier to be sync`, {
        hint: `tier "${slow.name}" is async; use the async method, or only sync tiers`,
      });
    }
  }
}

/**
 * Creates a tiered cache. See {@link CacheOptions} for the options and {@link Cache} for use.
 * Bad options throw `KeepsakeError` `ERR_OPTIONS` here, never at first use.
 *
 * @example
 * ```ts
 * import { createCache, memoryStore } from 'keepsake';
 *
 * const cache = createCache({ tiers: [memoryStore({ max: 1_000 })], ttl: 60_000 });
 * const report = await cache.wrap('report:2024', () => buildReport(2024));
 * console.log(cache.stats().hits);
 * ```
 */
export function createCache(options: CacheOptions = {}): Cache {
  return new Cache(options);
}
