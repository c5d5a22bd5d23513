/**
 * The connection a Redis store opens for itself when given a `url` instead of a client: tuned
 * to fail fast, so a slow or absent server costs the cache a miss, not a hang.
 */
import { Redis } from 'ioredis';

/**
 * Connects to `url` with one retry per command, no resend after a reconnect, a 2 s connect
 * timeout and reconnect attempts every 100 ms growing to 1 s (see `RedisStoreOptions.url`).
 * Connection errors go to `onError`.
 *
 * @example
 * ```ts
 * const client = connect('redis://127.0.0.1:6379', (error) => report('connection', error));
 * ```
 */
export function connect(url: string, onError: (error: unknown) => void): Redis {
  const client = new Redis(url, {
    maxRetriesPerRequest: 1,
    autoResendUnfulfilledCommands: false,
    connectTimeout: 2_000,
    retryStrategy: (times) => Math.min(times * 100, 1_000),
  });
  // Without a listener ioredis prints every failed reconnect to the console.
  client.on('error', onError);
  return client;
}
