/**
 * Cross-node notices over Redis pub/sub, so that every node drops from its own memory and disk
 * tiers what another node deleted, replaced or invalidated (a replaced entry is sent as a
 * delete: the node drops its copy and reads the new value from Redis). One channel per store prefix,
 * `<prefix>events`; each message is JSON:
 *
 * ```text
 *   {"v":1,"from":"k3J9...","type":"invalidate","tags":["users:team:7"]}
 *   {"v":1,"from":"k3J9...","type":"delete","key":"users:42"}
 * ```
 *
 * `from` is the sending store's random id: a node ignores its own notices, because its cache
 * already applied them locally (and re-applying a tag invalidation later would wrongly
 * invalidate entries written in between).
 *
 * Pub/sub is fire-and-forget: a node whose subscriber is disconnected misses notices sent
 * meanwhile. So once it listens again it reports a `reset`, and its cache empties the tiers
 * above Redis, whose copies may be stale. On a Redis Cluster, ioredis keeps pub/sub on a
 * connection of its own and reconnects it without telling: there a cut subscription goes
 * unnoticed, and upper tiers keep what it missed until their TTL.
 */
import type { Cluster, Redis } from 'ioredis';
import type { StoreEvent } from '../store.js';

/** The wire format version in `v`. */
export const BROADCAST_VERSION = 1;

/**
 * Encodes a notice for `PUBLISH`.
 *
 * @example
 * ```ts
 * await client.publish(channel, encodeNotice(nodeId, { type: 'delete', key: 'users:42' }));
 * ```
 */
export function encodeNotice(from: string, event: StoreEvent): string {
  if (event.type === 'invalidate') {
    return JSON.stringify({ v: BROADCAST_VERSION, from, type: 'invalidate', tags: event.tags });
  }
  if (event.type === 'delete') {
    return JSON.stringify({ v: BROADCAST_VERSION, from, type: 'delete', key: event.key });
  }
  throw new TypeError(`redisStore: ${event.type} events are not broadcast`);
}

/**
 * Decodes a notice, or `undefined` for a message that is not one (a foreign publisher on the
 * channel, a future version) or that `self` sent.
 *
 * @example
 * ```ts
 * const event = decodeNotice(message, nodeId);
 * if (event) for (const listener of listeners) listener(event);
 * ```
 */
export function decodeNotice(message: string, self: string): StoreEvent | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const notice = parsed as {
    v?: unknown;
    from?: unknown;
    type?: unknown;
    tags?: unknown;
    key?: unknown;
  };
  if (notice.v !== BROADCAST_VERSION || notice.from === self) return undefined;
  if (notice.type === 'invalidate' && Array.isArray(notice.tags)) {
    const tags = notice.tags.filter((tag): tag is string => typeof tag === 'string');
    return { type: 'invalidate', tags };
  }
  if (notice.type === 'delete' && typeof notice.key === 'string') {
    return { type: 'delete', key: notice.key };
  }
  return undefined;
}

/**
 * The subscribing side: a duplicate of the store's client (a connection in subscriber mode can
 * run no other command), opened on the first listener and closed with the last.
 *
 * @example
 * ```ts
 * const sub = new Subscriber(client, 'keepsake:events', nodeId, onError);
 * const stop = sub.add((event) => console.log(event));
 * ```
 */
export class Subscriber {
  #client: Redis | Cluster;
  #channel: string;
  #self: string;
  #onError: (error: unknown) => void;
  #listeners: Array<(event: StoreEvent) => void> = [];
  #connection: Redis | Cluster | undefined;
  #listening = false;
  #everSubscribed = false;
  #subscribing = false;

  constructor(
    client: Redis | Cluster,
    channel: string,
    self: string,
    onError: (error: unknown) => void,
  ) {
    this.#client = client;
    this.#channel = channel;
    this.#self = self;
    this.#onError = onError;
  }

  /** Adds a listener, connecting on the first one; returns the function that removes it. */
  add(listener: (event: StoreEvent) => void): () => void {
    this.#listeners.push(listener);
    if (this.#connection === undefined) this.#connect();
    return () => {
      this.#listeners = this.#listeners.filter((l) => l !== listener);
      if (this.#listeners.length === 0) this.close();
    };
  }

  /** Whether the channel subscription is in place now (false while reconnecting). */
  get listening(): boolean {
    return this.#listening;
  }

  /** Disconnects the duplicate connection. Idempotent. */
  close(): void {
    const connection = this.#connection;
    this.#connection = undefined;
    this.#listening = false;
    this.#listeners = [];
    // disconnect, not quit: quit waits for a reply that a dead server never sends.
    connection?.disconnect();
  }

  #emit(event: StoreEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (error) {
        this.#onError(error);
      }
    }
  }

  #connect(): void {
    // A user's client may be lazy; the duplicate need not be: it must listen from now on.
    const connection = this.#client.duplicate();
    this.#connection = connection;
    // Our own connection: without an 'error' listener ioredis prints every reconnect failure.
    connection.on('error', (error: unknown) => this.#onError(error));
    // First subscription: listening once SUBSCRIBE is acknowledged (below). After a reconnect,
    // ioredis sends SUBSCRIBE again just before it emits 'ready' (its reply follows within a
    // round trip), so 'ready' is taken as listening again.
    connection.on('close', () => {
      this.#listening = false;
    });
    connection.on('ready', () => {
      if (this.#connection !== connection) return;
      if (!this.#everSubscribed) {
        // The first SUBSCRIBE failed (Redis was down): ioredis will not repeat it for us.
        if (!this.#subscribing) this.#subscribe(connection, true);
        return;
      }
      this.#listening = true;
      // Notices sent while the connection was down are lost. The reset is reported once a PING
      // sent after the re-subscription is answered: from then on no notice can be missed, so
      // whatever the upper tiers copy after the reset is seen by later notices.
      connection.ping().then(
        () => {
          if (this.#connection === connection) this.#emit({ type: 'reset' });
        },
        (error: unknown) => this.#onError(error),
      );
    });
    connection.on('message', (channel: string, message: string) => {
      if (channel !== this.#channel) return;
      const event = decodeNotice(message, this.#self);
      if (event !== undefined) this.#emit(event);
    });
    this.#subscribe(connection, false);
  }

  /**
   * Subscribes once; ioredis then re-subscribes by itself after every reconnect
   * (autoResubscribe). `late`: an earlier attempt failed, so notices may have been missed.
   */
  #subscribe(connection: Redis | Cluster, late: boolean): void {
    this.#subscribing = true;
    connection.subscribe(this.#channel).then(
      () => {
        this.#subscribing = false;
        if (this.#connection !== connection) return;
        this.#everSubscribed = true;
        this.#listening = true;
        if (late) this.#emit({ type: 'reset' });
      },
      (error: unknown) => {
        this.#subscribing = false;
        this.#onError(error);
      },
    );
  }
}
