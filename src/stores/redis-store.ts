/**
 * The Redis tier's public class: {@link RedisStore} and {@link redisStore}, the store's
 * commands. Its options are checked in `redis/resolve-redis-options.ts`, commands run under the
 * fail-open rules of `redis/command-runner.ts`, and other nodes hear of deletes through
 * `redis/broadcast.ts`.
 */
import { randomBytes } from 'node:crypto';
import { KeepsakeError } from '../errors.js';
import { publish } from '../events.js';
import { encodeNotice, Subscriber } from './redis/broadcast.js';
import type { BreakerState } from './redis/circuit-breaker.js';
import { CommandRunner } from './redis/command-runner.js';
import { connect } from './redis/connect.js';
import { decodeEntry, encodeMeta, encodeTags } from './redis/entry-format.js';
import {
  type RedisStoreOptions,
  type ResolvedRedisOptions,
  resolveRedisOptions,
} from './redis/resolve-redis-options.js';
import { checkResults, runEach } from './redis/run-each.js';
import { scanDelete } from './redis/scan-delete.js';
import { defineScripts, type ScriptClient, type ScriptPipeline } from './redis/scripts.js';
import type { Store, StoreEntry, StoreEvent, StoreUsage } from './store.js';

export type { RedisStoreOptions } from './redis/resolve-redis-options.js';

/**
 * {@link RedisStore.usage}: besides the standard fields, the fail-open counters. `entries` and
 * `bytes` are not reported (counting keys under a prefix would need a SCAN).
 *
 * @example
 * ```ts
 * const { state, connected, timeouts, rejected } = redis.usage();
 * console.log(`redis ${state}, connected: ${connected}`);
 * console.log(`${timeouts} timeouts, ${rejected} calls rejected while down`);
 * ```
 */
export interface RedisStoreUsage extends StoreUsage {
  /** The circuit breaker's state: `'closed'` means Redis is in use. */
  state: BreakerState;
  /** Whether the client's connection is ready now. */
  connected: boolean;
  /**
   * Whether this node hears other nodes' deletes and invalidations now: its pub/sub connection
   * is subscribed (it opens with the first `watch`, i.e. when a cache uses the store).
   */
  listening: boolean;
  /** Commands sent to Redis. */
  commands: number;
  /** Commands that failed (timeouts included). */
  failures: number;
  /** Of those, commands that took longer than `commandTimeout`. */
  timeouts: number;
  /** Calls failed at once, without a command: circuit open, or connection down. */
  rejected: number;
  /** How many times the circuit opened. */
  breakerOpens: number;
}

/**
 * The shared tier for several processes or machines: codec bytes in Redis (ioredis, a single
 * server or a Cluster), below each node's memory and disk tiers. The entry layout is drawn in
 * `src/stores/redis/entry-format.ts`; one `HMGET` per read, one script call per write.
 *
 * - Every key carries `prefix` and a TTL (the entry's deadline, else `defaultTtl`).
 * - Tags: a Redis set per tag; `invalidateTags` removes the entries and publishes the
 *   invalidation so that other nodes' caches drop them from their upper tiers too. Deletes
 *   and writes that replace an entry are published the same way.
 * - Leases for `createCache({ lock: true })`: `SET NX PX` with a random token, released by a
 *   compare-and-delete script; a crashed holder's lease expires by itself.
 * - Fail open: commands time out after `commandTimeout`, fail at once while the connection is
 *   down or the circuit breaker is open, and never queue without bound. The cache counts such a
 *   failure in `stats().errors`, publishes it on `keepsake:error`, and carries on without the
 *   tier; the store rejoins by itself when Redis is back.
 *
 * @example
 * ```ts
 * import { createCache, memoryStore } from 'keepsake';
 * import { redisStore } from 'keepsake/redis';
 *
 * const cache = createCache({
 *   tiers: [memoryStore(), redisStore({ url: process.env.REDIS_URL, prefix: 'myapp:' })],
 *   ttl: 60_000,
 *   lock: true,
 * });
 * ```
 */
export class RedisStore implements Store {
  readonly name: string;
  readonly kind = 'bytes' as const;
  readonly sync = false as const;
  #o: ResolvedRedisOptions;
  #client: ScriptClient;
  #owned: boolean;
  #cluster: boolean;
  #id = randomBytes(9).toString('base64url');
  #runner: CommandRunner;
  #subscriber: Subscriber | undefined;
  #channel: string;
  #closing: Promise<void> | undefined;
  #closed = false;

  constructor(options: RedisStoreOptions = {}) {
    const o = resolveRedisOptions(options);
    this.#o = o;
    this.name = o.name;
    this.#owned = o.client === undefined;
    const client = o.client ?? connect(o.url, (error) => this.#report('connection', error));
    this.#client = defineScripts(client);
    this.#cluster = client.isCluster === true;
    this.#channel = `${o.prefix}events`;
    this.#runner = new CommandRunner(this.#client, o.name, o, (op, error) =>
      this.#report(op, error),
    );
  }

  get(key: string): Promise<StoreEntry | undefined> {
    const k = `${this.#o.prefix}e:${key}`;
    return this.#runner
      .run('get', key, 0, (c) => c.hmgetBuffer(k, 'v', 'm', 't'))
      .then((reply) => {
        const entry = decodeEntry(reply[0], reply[1], reply[2]);
        if (entry === undefined) return undefined;
        const deadline = entry.staleUntil ?? entry.expiresAt;
        // Redis expires the key at the deadline too; this covers clock skew between nodes.
        return deadline !== undefined && deadline <= this.#o.now() ? undefined : entry;
      });
  }

  async set(key: string, entry: StoreEntry): Promise<void> {
    const value = entry.value;
    if (!(value instanceof Uint8Array)) {
      throw new KeepsakeError('ERR_STORE', `redisStore set ${JSON.stringify(key)}: not bytes`, {
        hint: "redisStore is a 'bytes' store: give it codec bytes (the cache does)",
      });
    }
    const k = `${this.#o.prefix}e:${key}`;
    const deadline = entry.staleUntil ?? entry.expiresAt;
    const ttl = deadline === undefined ? this.#o.defaultTtl : Math.ceil(deadline - this.#o.now());
    if (ttl <= 0) {
      // Dead on arrival: not stored, and an older value must not outlive this write.
      const removed = await this.#runner.run('set', key, 0, (c) => c.unlink(k));
      if (removed > 0) await this.#notify({ type: 'delete', key });
      return;
    }
    // ioredis writes a Buffer as bytes but would stringify a plain Uint8Array ("1,2,3").
    const bytes = Buffer.isBuffer(value)
      ? value
      : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    const meta = encodeMeta(entry);
    const tags = entry.tags;
    const tagJson = encodeTags(tags);
    const replaced = await this.#runner.run<number>('set', key, bytes.byteLength, (c) => {
      if (tags === undefined || tags.length === 0) {
        return c.keepsakeSetEntry(k, bytes, meta, tagJson, ttl);
      }
      const tagKeys = tags.map((tag) => `${this.#o.prefix}t:${tag}`);
      if (this.#cluster) {
        // Tag sets live in other slots: no transaction; memberships first, so an entry is never
        // in Redis without being findable through its tags.
        return Promise.all(tagKeys.map((t) => c.keepsakeAddTag(t, key, ttl))).then(() =>
          c.keepsakeSetEntry(k, bytes, meta, tagJson, ttl),
        );
      }
      // One round trip, atomic: an invalidation sees the entry with its tags, or neither.
      const multi = c.multi() as ScriptPipeline;
      for (const t of tagKeys) multi.keepsakeAddTag(t, key, ttl);
      multi.keepsakeSetEntry(k, bytes, meta, tagJson, ttl);
      return multi.exec().then((results) => checkResults(results).at(-1) as number);
    });
    // Other nodes may hold the entry this write replaced in their upper tiers: as for a delete,
    // told once Redis holds the new one, so a node that drops its copy reads the new value.
    if (replaced === 1) await this.#notify({ type: 'delete', key });
  }

  async delete(key: string): Promise<boolean> {
    const k = `${this.#o.prefix}e:${key}`;
    const removed = await this.#runner.run('delete', key, 0, (c) => c.unlink(k));
    // Published after the UNLINK is acknowledged, so another node that drops its copy and
    // reads Redis again cannot find the old entry there.
    await this.#notify({ type: 'delete', key });
    return removed > 0;
  }

  async clear(prefix?: string): Promise<void> {
    const start = prefix === undefined ? this.#o.prefix : `${this.#o.prefix}e:${prefix}`;
    // A long SCAN is legitimately slow: bounded, but far above one command's budget.
    await this.#runner.run('clear', undefined, 0, (c) => scanDelete(c, start), 30_000);
  }

  async has(key: string): Promise<boolean> {
    const k = `${this.#o.prefix}e:${key}`;
    return (await this.#runner.run('has', key, 0, (c) => c.exists(k))) === 1;
  }

  async invalidateTags(tags: readonly string[]): Promise<string[]> {
    if (tags.length === 0) return [];
    const p = this.#o.prefix;
    const members = await this.#runner.run('invalidateTags', undefined, 0, (c) =>
      runEach<string[]>(c, this.#cluster, tags, (q, tag) => q.keepsakePopTag(`${p}t:${tag}`)),
    );
    // A key may sit in several of the sets; check each once, against every tag that named it.
    const byKey = new Map<string, string[]>();
    members.forEach((keys, i) => {
      for (const key of keys) {
        const named = byKey.get(key);
        if (named === undefined) byKey.set(key, [tags[i]!]);
        else named.push(tags[i]!);
      }
    });
    const keys = [...byKey.keys()];
    const dropped =
      keys.length === 0
        ? []
        : await this.#runner.run('invalidateTags', undefined, 0, (c) =>
            runEach<number>(c, this.#cluster, keys, (q, key) =>
              q.keepsakeDropTagged(`${p}e:${key}`, ...byKey.get(key)!),
            ),
          );
    await this.#notify({ type: 'invalidate', tags });
    return keys.filter((_, i) => dropped[i] === 1);
  }

  async acquire(key: string, ttl: number): Promise<string | undefined> {
    const token = randomBytes(12).toString('base64url');
    const lease = `${this.#o.prefix}l:${key}`;
    const ms = Math.max(1, Math.ceil(ttl));
    const ok = await this.#runner.run('acquire', key, 0, (c) =>
      c.set(lease, token, 'PX', ms, 'NX'),
    );
    return ok === 'OK' ? token : undefined;
  }

  async release(key: string, token: string): Promise<void> {
    const lease = `${this.#o.prefix}l:${key}`;
    await this.#runner.run('release', key, 0, (c) => c.keepsakeRelease(lease, token));
  }

  watch(listener: (event: StoreEvent) => void): () => void {
    if (!this.#o.broadcast || this.#closed) return () => {};
    this.#subscriber ??= new Subscriber(this.#client, this.#channel, this.#id, (error) =>
      this.#report('subscribe', error),
    );
    return this.#subscriber.add(listener);
  }

  usage(): RedisStoreUsage {
    return {
      ...this.#runner.counters(),
      connected: this.#client.status === 'ready',
      listening: this.#subscriber?.listening ?? false,
    };
  }

  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#closed = true;
    this.#runner.close();
    this.#subscriber?.close();
    if (!this.#owned) return;
    const client = this.#client;
    if (client.status !== 'ready') {
      client.disconnect();
      return;
    }
    // QUIT lets in-flight writes finish; a server that stops answering gets cut off.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      client.quit().catch(() => {}),
      new Promise((resolve) => (timer = setTimeout(resolve, this.#o.commandTimeout))),
    ]);
    clearTimeout(timer);
    client.disconnect();
  }

  /** Publishes a notice for other nodes; a failure is counted but fails nothing. */
  async #notify(event: StoreEvent): Promise<void> {
    if (!this.#o.broadcast) return;
    const message = encodeNotice(this.#id, event);
    try {
      await this.#runner.run('publish', undefined, 0, (c) => c.publish(this.#channel, message));
    } catch (error) {
      this.#report('publish', error);
    }
  }

  #report(op: string, error: unknown): void {
    publish('error', () => ({ tier: this.name, op, error }));
  }
}

/**
 * Creates the Redis tier (`keepsake/redis`). See {@link RedisStoreOptions} and {@link RedisStore}.
 * Bad options throw `KeepsakeError` `ERR_OPTIONS` here, never at first use.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * import { createCache, memoryStore } from 'keepsake';
 * import { redisStore } from 'keepsake/redis';
 *
 * const redis = new Redis(process.env.REDIS_URL!);
 * const cache = createCache({
 *   tiers: [memoryStore(), redisStore({ client: redis, prefix: 'reports:' })],
 *   ttl: 10 * 60_000,
 *   lock: true, // one node computes a missing report, the others wait for it
 * });
 * const report = await cache.wrap('2024-q4', () => buildReport('2024-q4'), { tags: ['reports'] });
 * await cache.invalidateTags(['reports']); // every node drops it, memory tiers included
 * ```
 */
export function redisStore(options: RedisStoreOptions = {}): RedisStore {
  return new RedisStore(options);
}
