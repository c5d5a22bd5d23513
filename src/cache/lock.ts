import { isThenable } from '../stores/store.js';
import type { Hit } from './engine.js';
import type { Tier } from './tier.js';
import { LEASE_FAILED } from './tier.js';

/** What the lease loops need from the cache. */
export interface LeaseHooks<T> {
  /** Looks for the value from the lease tier down (promoting it); `found` false on a miss. */
  look(): { found: boolean; value?: T } | Promise<{ found: boolean; value?: T }>;
  /** Computes and stores the value, resolving once the lease tier holds it. */
  produce(): T | Promise<T>;
}

/**
 * A lookup's result as {@link LeaseHooks.look} returns it: `found` false on a miss.
 *
 * @example
 * ```ts
 * look: () => engine.lookup(key, leaseTier.index).then((hit) => found<T>(hit)),
 * ```
 */
export function found<T>(hit: Hit | undefined): { found: boolean; value?: T } {
  return hit === undefined ? { found: false } : { found: true, value: hit.value as T };
}

/**
 * Single flight across processes: take the lease on `key` in `tier`, or wait for its holder's
 * result. Holder: look again (the previous holder may just have finished), compute, store,
 * release. Waiter: poll every `pollInterval` ms; a lease that expires (crashed holder) is taken
 * by the next attempt. A failing lease tier degrades to computing without a lease.
 */
export async function withLease<T>(
  tier: Tier,
  key: string,
  lease: { ttl: number; pollInterval: number },
  hooks: LeaseHooks<T>,
): Promise<T> {
  for (;;) {
    const acquired = tier.acquire(key, lease.ttl);
    const token = isThenable(acquired) ? await acquired : acquired;
    if (token === LEASE_FAILED) break;
    if (token !== undefined) {
      try {
        const seen = await hooks.look();
        if (seen.found) return seen.value as T;
        return await hooks.produce();
      } finally {
        const released = tier.release(key, token);
        if (isThenable(released)) await released;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, lease.pollInterval));
    const seen = await hooks.look();
    if (seen.found) return seen.value as T;
  }
  return hooks.produce();
}

/**
 * The same loop for the sync path (a sync function memoized over a disk folder): the waiter
 * sleeps the thread between polls with `Atomics.wait`, as a sync function must not return early.
 */
export function withLeaseSync<T>(
  tier: Tier,
  key: string,
  lease: { ttl: number; pollInterval: number },
  hooks: { look(): { found: boolean; value?: T }; produce(): T },
): T {
  for (;;) {
    const token = tier.acquire(key, lease.ttl) as string | undefined | null;
    if (token === LEASE_FAILED) break;
    if (token !== undefined) {
      try {
        const seen = hooks.look();
        if (seen.found) return seen.value as T;
        return hooks.produce();
      } finally {
        tier.release(key, token);
      }
    }
    sleepSync(lease.pollInterval);
    const seen = hooks.look();
    if (seen.found) return seen.value as T;
  }
  return hooks.produce();
}

let sleeper: Int32Array | undefined;

/** Blocks the thread for `ms` without spinning. */
function sleepSync(ms: number): void {
  sleeper ??= new Int32Array(new SharedArrayBuffer(4));
  Atomics.wait(sleeper, 0, 0, ms);
}
