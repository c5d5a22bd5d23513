import type { Cluster, Redis } from 'ioredis';
import { type Clock, systemClock } from '../../clock.js';
import { KeepsakeError } from '../../errors.js';

/**
 * Options of {@link redisStore}. Every time is in milliseconds.
 *
 * @example
 * ```ts
 * const redis = redisStore({
 *   url: 'redis://cache.internal:6379',
 *   prefix: 'shop:',
 *   commandTimeout: 100,
 * });
 * const cache = createCache({ tiers: [memoryStore(), redis], readTimeout: 100 });
 * ```
 */
export interface RedisStoreOptions {
  /**
   * Your ioredis client, a `Redis` or a `Cluster` (ioredis v5). The store never closes it; it
   * duplicates it once for pub/sub, and defines a few `keepsake*` Lua commands on it. Give
   * `client` or `url`, not both.
   */
  client?: Redis | Cluster;
  /**
   * A `redis://` or `rediss://` URL to connect to; the store owns that connection and closes it
   * in `close()`. It is tuned to fail fast: one retry per command, no resend after a reconnect,
   * reconnect attempts every 100 ms growing to 1 s.
   * @default 'redis://127.0.0.1:6379' (when `client` is not given either)
   */
  url?: string;
  /**
   * Put before every Redis key and the pub/sub channel, so several apps (or versions of one)
   * can share a server: entries are `<prefix>e:<key>`, tag sets `<prefix>t:<tag>`, leases
   * `<prefix>l:<key>`, the channel `<prefix>events`. `clear()` removes only keys under it.
   * @default 'keepsake:'
   */
  prefix?: string;
  /**
   * TTL, ms, of an entry that has no deadline of its own (`staleUntil ?? expiresAt`): every
   * Redis key gets one, so a forgotten cache never fills the server.
   * @default 86_400_000 (one day)
   */
  defaultTtl?: number;
  /**
   * How long one command may take before it counts as failed, ms; writes of large values get
   * 1 ms more per 16 KiB. Match it to the cache's `readTimeout` (also 250 by default): past
   * that the cache has stopped waiting anyway. Raise both if you cache multi-megabyte values
   * (a read cannot know its size in advance).
   * @default 250
   */
  commandTimeout?: number;
  /**
   * The circuit breaker: after `threshold` consecutive failed commands (timeouts, lost
   * connection) every command fails at once, without touching the network, until a probe
   * (`PING`) succeeds; the first probe runs `coolDown` ms after opening, then twice as long
   * after each failed probe, up to 8x. A reconnect probes at once.
   * @default { threshold: 5, coolDown: 1_000 }
   */
  breaker?: { threshold?: number; coolDown?: number };
  /**
   * Publish deletes and tag invalidations on `<prefix>events` and listen for other nodes'
   * (through `watch`, which the cache uses), so every node drops them from its memory and disk
   * tiers too. A node whose subscription was cut may have missed some: once it listens again,
   * its cache empties its tiers above Redis.
   * @default true
   */
  broadcast?: boolean;
  /**
   * Name in `stats().tiers` and events.
   * @default 'redis'
   */
  name?: string;
  /**
   * The clock entry deadlines are compared with, epoch ms.
   * @default Date.now
   */
  now?: Clock;
}

/** One day, ms: the TTL of an entry that has none (see `RedisStoreOptions.defaultTtl`). */
export const DEFAULT_TTL = 24 * 60 * 60 * 1000;
/** See `RedisStoreOptions.commandTimeout`. */
export const DEFAULT_COMMAND_TIMEOUT = 250;
/** See `RedisStoreOptions.breaker`. */
export const DEFAULT_BREAKER = { threshold: 5, coolDown: 1_000 } as const;
/** The URL used when neither `client` nor `url` is given: ioredis's own default. */
export const DEFAULT_URL = 'redis://127.0.0.1:6379';

/** {@link RedisStoreOptions} checked, with every default filled in. */
export interface ResolvedRedisOptions {
  client: Redis | Cluster | undefined;
  url: string;
  prefix: string;
  defaultTtl: number;
  commandTimeout: number;
  breaker: { threshold: number; coolDown: number };
  broadcast: boolean;
  name: string;
  now: Clock;
}

/**
 * Checks options at construction (never at first use) and fills in the defaults.
 *
 * @throws KeepsakeError `ERR_OPTIONS` naming the option and how to fix it.
 * @example
 * ```ts
 * const resolved = resolveRedisOptions({ url: 'redis://cache:6379', prefix: 'app:' });
 * ```
 */
export function resolveRedisOptions(options: RedisStoreOptions): ResolvedRedisOptions {
  if (typeof options !== 'object' || options === null) {
    fail('options must be an object', "pass e.g. `{ url: 'redis://127.0.0.1:6379' }`");
  }
  const { client, url, prefix, defaultTtl, commandTimeout, breaker, broadcast, name, now } =
    options;
  if (client !== undefined && url !== undefined) {
    fail('give `client` or `url`, not both', 'pass your ioredis client, or a URL to connect to');
  }
  if (client !== undefined && !isIoredis(client)) {
    fail(
      '`client` must be an ioredis Redis or Cluster instance',
      "pass `new Redis(...)` or `new Cluster([...])` from 'ioredis' (v5)",
    );
  }
  if (url !== undefined) checkUrl(url);
  if (prefix !== undefined && (typeof prefix !== 'string' || prefix === '')) {
    fail('`prefix` must be a non-empty string', "e.g. 'myapp:cache:'; omit it for 'keepsake:'");
  }
  positive('defaultTtl', defaultTtl, 'e.g. `defaultTtl: 60 * 60_000` for one hour');
  positive('commandTimeout', commandTimeout, 'e.g. `commandTimeout: 250`');
  if (breaker !== undefined) {
    if (typeof breaker !== 'object' || breaker === null) {
      fail('`breaker` must be an object', 'e.g. `{ threshold: 5, coolDown: 1_000 }`');
    }
    positive('breaker.threshold', breaker.threshold, 'e.g. `threshold: 5`', true);
    positive('breaker.coolDown', breaker.coolDown, 'e.g. `coolDown: 1_000`');
  }
  if (broadcast !== undefined && typeof broadcast !== 'boolean') {
    fail('`broadcast` must be a boolean', 'omit it to broadcast deletes and invalidations');
  }
  if (name !== undefined && (typeof name !== 'string' || name === '')) {
    fail('`name` must be a non-empty string', "e.g. 'redis'");
  }
  if (now !== undefined && typeof now !== 'function') {
    fail('`now` must be a function', 'pass a clock returning epoch ms, e.g. `() => Date.now()`');
  }
  return {
    client,
    url: url ?? DEFAULT_URL,
    prefix: prefix ?? 'keepsake:',
    defaultTtl: defaultTtl ?? DEFAULT_TTL,
    commandTimeout: commandTimeout ?? DEFAULT_COMMAND_TIMEOUT,
    breaker: {
      threshold: breaker?.threshold ?? DEFAULT_BREAKER.threshold,
      coolDown: breaker?.coolDown ?? DEFAULT_BREAKER.coolDown,
    },
    broadcast: broadcast ?? true,
    name: name ?? 'redis',
    now: now ?? systemClock,
  };
}

/** Duck-typed, so that a second copy of ioredis in node_modules still passes. */
function isIoredis(client: unknown): client is Redis | Cluster {
  if (typeof client !== 'object' || client === null) return false;
  const c = client as Record<string, unknown>;
  return (
    typeof c.status === 'string' &&
    typeof c.duplicate === 'function' &&
    typeof c.defineCommand === 'function' &&
    typeof c.hmgetBuffer === 'function'
  );
}

function checkUrl(url: unknown): void {
  if (typeof url !== 'string') fail('`url` must be a string', "e.g. 'redis://127.0.0.1:6379'");
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    throw new KeepsakeError('ERR_OPTIONS', `redisStore: \`url\` is not a URL: ${url}`, {
      cause,
      hint: "use redis://[user:password@]host[:port][/db], e.g. 'redis://127.0.0.1:6379'",
    });
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    fail(
      `\`url\` must start with redis:// or rediss://, got ${parsed.protocol}//`,
      "e.g. 'redis://127.0.0.1:6379'; for a socket or Sentinel pass your own `client`",
    );
  }
}

function positive(name: string, value: unknown, hint: string, integer = false): void {
  if (value === undefined) return;
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    value > 0 &&
    (!integer || Number.isInteger(value));
  if (!ok) {
    fail(
      `\`${name}\` must be a finite number > 0${integer ? ' (an integer)' : ''}`,
      `${hint}; got ${String(value)}`,
    );
  }
}

function fail(message: string, hint: string): never {
  throw new KeepsakeError('ERR_OPTIONS', `redisStore: ${message}`, { hint });
}
