/**
 * A clock: returns the current time as epoch milliseconds, like `Date.now`. Caches and stores
 * take one so that TTL tests can move time by hand instead of sleeping.
 *
 * @example
 * ```ts
 * let t = 1_000_000;
 * const now: Clock = () => t;
 * const cache = createCache({ ttl: 100, now });
 * t += 101; // every entry set before is now expired
 * ```
 */
export type Clock = () => number;

/**
 * The real clock, `Date.now`. Wall-clock time rather than `performance.now()` because entries
 * carry absolute epoch-ms expiry times that other processes (disk, Redis) must agree on.
 *
 * @example
 * ```ts
 * const createdAt = systemClock();
 * ```
 */
export const systemClock: Clock = Date.now;
