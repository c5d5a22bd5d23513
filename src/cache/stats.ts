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
