import type { MaybePromise } from '../../src/index.js';

/**
 * Whether a cache or store result is still on its way. The core has the same test; the plugin
 * keeps its own because it imports only the package's public entry, as a user's plugin would.
 *
 * @example
 * ```ts
 * const found = cache.get(key);
 * if (isThenable(found)) return found.then(use);
 * return use(found);
 * ```
 */
export function isThenable<T>(value: MaybePromise<T>): value is Promise<T> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
