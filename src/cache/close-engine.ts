/**
 * Closing a cache: its background writes get `writeTimeout` ms to finish, then every tier is
 * closed. Afterwards each call but `stats` fails with {@link closedError}.
 */
import { KeepsakeError } from '../errors.js';
import type { Engine } from './engine.js';

/**
 * Waits for the engine's background writes and refreshes (at most `writeTimeout` ms), stops
 * listening to store events, then closes every tier. The caller marks itself closed first, so
 * nothing new is tracked meanwhile.
 *
 * @example
 * ```ts
 * this.#closed = true;
 * await closeEngine(this.#e);
 * ```
 */
export async function closeEngine(e: Engine): Promise<void> {
  if (e.pending.size > 0) {
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise((resolve) => (timer = setTimeout(resolve, e.writeTimeout)));
    await Promise.race([Promise.all(e.pending), limit]);
    clearTimeout(timer);
  }
  e.unwatch();
  await Promise.all(e.tiers.map((tier) => tier.close()));
}

/**
 * The `ERR_CLOSED` error of a cache method called after `close()`.
 *
 * @example
 * ```ts
 * if (this.#closed) return Promise.reject(closedError('get'));
 * ```
 */
export function closedError(method: string): KeepsakeError {
  return new KeepsakeError('ERR_CLOSED', `cache.${method}() after close()`, {
    hint: 'create a new cache, or close it only when done',
  });
}
