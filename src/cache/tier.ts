import { KeepsakeError } from '../errors.js';
import {
  isThenable,
  type MaybePromise,
  type Store,
  type StoreEntry,
  type StoreUsage,
} from '../stores/store.js';

/**
 * Per-tier counters, as `stats().tiers` reports them.
 *
 * @example
 * ```ts
 * for (const tier of cache.stats().tiers) {
 *   console.log(tier.name, tier.hits, tier.misses, tier.errors, tier.bytes ?? 'n/a');
 *   if (tier.usage && 'state' in tier.usage) console.log('breaker', tier.usage.state);
 * }
 * ```
 */
export interface TierStats {
  /** The store's `name`. */
  name: string;
  /** Reads that returned a usable entry. */
  hits: number;
  /** Reads that found nothing usable (absent, expired, invalidated, undecodable, failed). */
  misses: number;
  /** Successful writes, promotions included. */
  sets: number;
  /** Entries the store dropped on its own (capacity or expiry), as reported by `watch`. */
  evictions: number;
  /** Failed or timed-out operations. */
  errors: number;
  /** Entries held, when the store reports `usage()`. */
  entries?: number;
  /** Bytes held, when the store reports `usage()`. */
  bytes?: number;
  /**
   * Everything the store's `usage()` reported, its own counters included (a Redis tier's
   * breaker `state`, `breakerOpens`, `timeouts`, ...).
   */
  usage?: StoreUsage;
}

/** What a tier needs from its cache: time limits and where to report failures. */
export interface TierHost {
  readonly readTimeout: number;
  readonly writeTimeout: number;
  /** Counts and publishes a failure of `tier`; never throws. */
  tierError(tier: Tier, op: string, key: string | undefined, error: unknown): void;
}

/** `acquire` failed (threw, timed out): the caller goes on without a lease (fail open). */
export const LEASE_FAILED = null;

/**
 * One store as the cache drives it: counters, and every call guarded so that a store that
 * throws, rejects, lies about being sync or hangs becomes a counted error and a fallback value,
 * never an exception in the caller.
 */
export class Tier {
  readonly store: Store;
  readonly index: number;
  readonly name: string;
  readonly sync: boolean;
  /** Holds codec bytes (`kind: 'bytes'`) rather than live values. */
  readonly bytes: boolean;
  /** Has its own tag index (`invalidateTags`). */
  readonly nativeTags: boolean;
  /** Can hold leases (`acquire` and `release`). */
  readonly lease: boolean;
  hits = 0;
  misses = 0;
  sets = 0;
  evictions = 0;
  errors = 0;
  #host: TierHost;

  constructor(store: Store, index: number, host: TierHost) {
    this.store = store;
    this.index = index;
    this.name = store.name;
    this.sync = store.sync;
    this.bytes = store.kind === 'bytes';
    this.nativeTags = typeof store.invalidateTags === 'function';
    this.lease = typeof store.acquire === 'function' && typeof store.release === 'function';
    this.#host = host;
  }

  /** The entry under `key`; `undefined` on absence, failure or timeout. */
  read(key: string): MaybePromise<StoreEntry | undefined> {
    return this.#call('get', key, () => this.store.get(key), undefined, true);
  }

  /** Writes `entry`; resolves `true` when the store took it. */
  write(key: string, entry: StoreEntry): MaybePromise<boolean> {
    const done = this.#call('set', key, () => this.store.set(key, entry), FAILED, false);
    if (isThenable(done)) return done.then((r) => this.#wrote(r));
    return this.#wrote(done);
  }

  /** Deletes `key`; `false` when absent or on failure. */
  remove(key: string): MaybePromise<boolean> {
    return this.#call('delete', key, () => this.store.delete(key), false, false);
  }

  /** Clears keys under `prefix` (all keys for `undefined`). */
  clear(prefix: string | undefined): MaybePromise<unknown> {
    return this.#call('clear', undefined, () => this.store.clear(prefix), undefined, false);
  }

  /** Drops entries carrying `tags` through the store's tag index; the keys dropped. */
  invalidate(tags: readonly string[]): MaybePromise<string[]> {
    const store = this.store;
    if (store.invalidateTags === undefined) return [];
    return this.#call('invalidateTags', undefined, () => store.invalidateTags!(tags), [], false);
  }

  /** A lease token, `undefined` when someone else holds it, {@link LEASE_FAILED} on failure. */
  acquire(key: string, ttl: number): MaybePromise<string | undefined | null> {
    const store = this.store;
    return this.#call('acquire', key, () => store.acquire!(key, ttl), LEASE_FAILED, true);
  }

  /** Gives a lease back; failures are counted only (the lease expires anyway). */
  release(key: string, token: string): MaybePromise<unknown> {
    const store = this.store;
    return this.#call('release', key, () => store.release!(key, token), undefined, false);
  }

  /** Closes the store, if it has `close`. */
  close(): MaybePromise<unknown> {
    const store = this.store;
    if (store.close === undefined) return undefined;
    return this.#call('close', undefined, () => store.close!(), undefined, false);
  }

  /** Counters plus the store's `usage()`. */
  stats(): TierStats {
    const stats: TierStats = {
      name: this.name,
      hits: this.hits,
      misses: this.misses,
      sets: this.sets,
      evictions: this.evictions,
      errors: this.errors,
    };
    if (this.store.usage !== undefined) {
      try {
        const usage = this.store.usage();
        if (usage.entries !== undefined) stats.entries = usage.entries;
        if (usage.bytes !== undefined) stats.bytes = usage.bytes;
        stats.usage = usage;
      } catch (error) {
        this.#host.tierError(this, 'usage', undefined, error);
      }
    }
    return stats;
  }

  #wrote(result: unknown): boolean {
    if (result === FAILED) return false;
    this.sets++;
    return true;
  }

  /**
   * Runs one store call. A sync throw, a rejection, a timeout, or a promise from a store that
   * declared `sync: true` all report an error and yield `fallback`.
   */
  #call<T, F>(
    op: string,
    key: string | undefined,
    run: () => MaybePromise<T>,
    fallback: F,
    isRead: boolean,
  ): MaybePromise<T | F> {
    let result: MaybePromise<T>;
    try {
      result = run();
    } catch (error) {
      this.#host.tierError(this, op, key, error);
      return fallback;
    }
    if (!isThenable(result)) return result;
    if (this.sync) {
      // A sync path cannot wait for it; the store broke its contract.
      result.then(undefined, () => {});
      const error = new KeepsakeError('ERR_STORE', `store "${this.name}" returned a promise`, {
        hint: 'a store with `sync: true` must return plain values; set `sync: false`',
      });
      this.#host.tierError(this, op, key, error);
      return fallback;
    }
    const ms = isRead ? this.#host.readTimeout : this.#host.writeTimeout;
    return bounded(result, ms, fallback, (error) => this.#host.tierError(this, op, key, error), {
      op,
      tier: this.name,
    });
  }
}

/** Marks a failed write inside {@link Tier.write}. */
const FAILED: unique symbol = Symbol('failed');

/**
 * Settles with `promise`'s value, or with `fallback` when it rejects or takes longer than `ms`
 * (reporting an `ERR_TIMEOUT`). The late result of a timed-out call is ignored: a hanging tier
 * must not hold the caller.
 */
function bounded<T, F>(
  promise: Promise<T>,
  ms: number,
  fallback: F,
  onError: (error: unknown) => void,
  what: { op: string; tier: string },
): Promise<T | F> {
  return new Promise((resolve) => {
    let settled = false;
    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      onError(
        new KeepsakeError('ERR_TIMEOUT', `store "${what.tier}" took over ${ms} ms on ${what.op}`, {
          hint: 'the tier is slow or down; raise readTimeout/writeTimeout if it is just slow',
        }),
      );
      resolve(fallback);
    }, ms);
    promise.then(
      (value) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        onError(error);
        resolve(fallback);
      },
    );
  });
}
