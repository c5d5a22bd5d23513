import type { Engine } from './engine.js';
import type { TierStats } from './tier.js';

/**
 * Counters of a cache since it was created, from `cache.stats()`.
 *
 * @example
 * ```ts
 * const stats = cache.stats();
 * const hitRate = stats.hits / Math.max(1, stats.hits + stats.misses);
 * console.log(`hit rate ${hitRate.toFixed(2)}, ${stats.errors} errors`);
 * ```
 */
export interface CacheStats {
  /** Lookups that found a value (fresh or stale) in some tier. */
  hits: number;
  /** Lookups that found nothing. Callers that joined a running computation count as neither. */
  misses: number;
  /** Values written (by `set` or after a computation); promotions are counted per tier. */
  sets: number;
  /** `delete` calls. */
  deletes: number;
  /** Entries the tiers dropped on their own, summed over tiers. */
  evictions: number;
  /** Failures: tier errors and timeouts, undecodable entries, encode failures, failed refreshes. */
  errors: number;
  /** Computations running now (misses being filled and background refreshes). */
  inFlight: number;
  /** The same counters per tier, in tier order. */
  tiers: TierStats[];
}

/**
 * The counters of the cache running on `e`, cache-wide and per tier. Tier 0's inline hits
 * (`frontHits`) count for the cache and for tier 0 both; `inFlight` is the size of the cache's
 * two maps of running computations (misses being filled and background refreshes).
 *
 * @example
 * ```ts
 * stats(): CacheStats {
 *   return cacheStats(this.#e, this.#inflight, this.#refreshing);
 * }
 * ```
 */
export function cacheStats(
  e: Engine,
  inflight: ReadonlyMap<string, unknown>,
  refreshing: ReadonlyMap<string, unknown>,
): CacheStats {
  const tiers = e.tiers.map((tier) => tier.stats());
  tiers[0]!.hits += e.frontHits;
  return {
    hits: e.hits + e.frontHits,
    misses: e.misses,
    sets: e.sets,
    deletes: e.deletes,
    evictions: tiers.reduce((sum, t) => sum + t.evictions, 0),
    errors: e.errors,
    inFlight: inflight.size + refreshing.size,
    tiers,
  };
}
