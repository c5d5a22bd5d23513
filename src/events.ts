import diagnostics from 'node:diagnostics_channel';

/**
 * The `node:diagnostics_channel` channels keepsake publishes on. Subscribe with
 * `diagnostics_channel.subscribe('keepsake:hit', fn)`; nothing is built or sent while nobody
 * subscribes, so the channels cost nothing when unused.
 *
 * Messages:
 * - `keepsake:hit`   `{ cache, tier, key }`
 * - `keepsake:miss`  `{ cache, key }`
 * - `keepsake:set`   `{ cache, key, tiers }`
 * - `keepsake:evict` `{ cache, tier, key, reason }`
 * - `keepsake:error` `{ cache?, tier?, key?, op, error }`
 *
 * `cache` is the cache's `name` (its `namespace`, or 'default'; a memoized function's `name`,
 * else the function's own name), `key` the key as stored: with the namespace in front
 * (`'app:user:1'`), or a memoized function's own argument key (the argument itself for one
 * number or string).
 *
 * @example
 * ```ts
 * import diagnostics from 'node:diagnostics_channel';
 * diagnostics.subscribe('keepsake:error', (msg) => console.warn(msg));
 * ```
 */
export const channels = {
  hit: diagnostics.channel('keepsake:hit'),
  miss: diagnostics.channel('keepsake:miss'),
  set: diagnostics.channel('keepsake:set'),
  evict: diagnostics.channel('keepsake:evict'),
  error: diagnostics.channel('keepsake:error'),
} as const;

/**
 * The name of one keepsake channel: `'hit' | 'miss' | 'set' | 'evict' | 'error'`.
 *
 * @example
 * ```ts
 * import diagnostics from 'node:diagnostics_channel';
 * const watched: ChannelName[] = ['miss', 'error'];
 * for (const name of watched) diagnostics.subscribe(`keepsake:${name}`, (msg) => log(name, msg));
 * ```
 */
export type ChannelName = keyof typeof channels;

/**
 * Publishes `build()` on a channel only when someone listens, so callers pay one property read
 * on the hot path and never allocate the message otherwise.
 *
 * @example
 * ```ts
 * publish('error', () => ({ op: 'readRecords', error }));
 * ```
 */
export function publish(name: ChannelName, build: () => object): void {
  const channel = channels[name];
  if (channel.hasSubscribers) channel.publish(build());
}
