import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createCache } from '../../src/cache.js';
import { redisStore } from '../../src/redis.js';
import { memoryStore } from '../../src/stores/memory-store.js';
import type { Store, StoreEvent } from '../../src/stores/store.js';
import { makeNode, type TestNode } from './helpers/nodes.js';
import { RedisServer, waitFor } from './helpers/redis-server.js';
import { dropPrefix, SHARED_URL, uniquePrefix } from './helpers/shared.js';

/**
 * A TCP proxy in front of the shared Redis whose link can be cut and restored: one node loses
 * Redis (a network partition) while the others keep it.
 */
class CuttableLink {
  readonly #server = net.createServer((client) => this.#accept(client));
  readonly #sockets = new Set<net.Socket>();
  #cut = false;
  port = 0;

  static async open(): Promise<CuttableLink> {
    const link = new CuttableLink();
    await new Promise<void>((resolve) => link.#server.listen(0, '127.0.0.1', resolve));
    link.port = (link.#server.address() as net.AddressInfo).port;
    return link;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  cut(): void {
    this.#cut = true;
    for (const socket of this.#sockets) socket.destroy();
  }

  restore(): void {
    this.#cut = false;
  }

  close(): Promise<void> {
    this.cut();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  #accept(client: net.Socket): void {
    if (this.#cut) {
      client.destroy();
      return;
    }
    const target = new URL(SHARED_URL);
    const upstream = net.connect(Number(target.port || 6379), target.hostname);
    for (const socket of [client, upstream]) {
      this.#sockets.add(socket);
      socket.on('error', () => {});
      socket.on('close', () => {
        this.#sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  }
}

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('a node that missed notices while cut off', () => {
  it('empties its memory tier once it listens again, so an invalidation it missed is not served', async () => {
    const prefix = uniquePrefix('reset');
    const link = await CuttableLink.open();
    const a: TestNode = makeNode(prefix);
    const b: TestNode = makeNode(prefix, { url: link.url });
    cleanups.push(
      () => dropPrefix(prefix),
      () => link.close(),
      () => a.cache.close(),
      () => b.cache.close(),
    );
    const seen: StoreEvent[] = [];
    const stop = b.redis.watch((event) => seen.push(event));
    cleanups.push(async () => stop());

    await a.cache.set('report', 'v1', { tags: ['reports'] });
    expect(await b.cache.get('report')).toBe('v1');
    expect(b.cache.peek('report')).toBe('v1'); // promoted into B's memory tier
    await waitFor(() => b.redis.usage().listening);

    link.cut();
    await waitFor(() => !b.redis.usage().listening);
    // Redis drops the entry; the notice to B is lost.
    expect(await a.cache.invalidateTags(['reports'])).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(b.cache.peek('report')).toBe('v1');

    link.restore();
    await waitFor(() => b.cache.peek('report') === undefined, 10_000);
    expect(seen).toContainEqual({ type: 'reset' });
    expect(await b.cache.get('report')).toBeUndefined();

    // And B hears notices again: what it reads now is dropped by A's next invalidation.
    await a.cache.set('report', 'v2', { tags: ['reports'] });
    expect(await b.cache.get('report')).toBe('v2');
    await a.cache.invalidateTags(['reports']);
    await waitFor(() => b.cache.peek('report') === undefined, 5_000);
  });

  it('a node whose Redis is down when it starts subscribes once Redis is up, and reports a reset', async () => {
    const own = await RedisServer.start();
    await own.stop();
    const redis = redisStore({ url: own.url, prefix: 'late-sub:' });
    const seen: StoreEvent[] = [];
    const stop = redis.watch((event) => seen.push(event));
    cleanups.push(
      () => own.destroy(),
      () => redis.close(),
      async () => stop(),
    );
    // Long enough for the first SUBSCRIBE to be refused.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(redis.usage().listening).toBe(false);
    await own.start();
    await waitFor(() => redis.usage().listening, 15_000);
    await waitFor(() => seen.length > 0);
    expect(seen).toEqual([{ type: 'reset' }]);
  });

  it('a connected node reports no reset', async () => {
    const prefix = uniquePrefix('reset-none');
    const a = makeNode(prefix);
    cleanups.push(
      () => dropPrefix(prefix),
      () => a.cache.close(),
    );
    const seen: StoreEvent[] = [];
    const stop = a.redis.watch((event) => seen.push(event));
    cleanups.push(async () => stop());
    await waitFor(() => a.redis.usage().listening);
    await a.cache.set('k', 1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(seen).toEqual([]);
  });
});

describe("a store's reset event", () => {
  /** A memory store whose `reset` can be fired by the test. */
  function resettable(): { store: Store; reset: () => void } {
    const inner = memoryStore();
    const listeners: Array<(event: StoreEvent) => void> = [];
    const store: Store = {
      sync: true,
      kind: 'value',
      name: 'middle',
      get: (key) => inner.get(key),
      set: (key, entry) => inner.set(key, entry),
      delete: (key) => inner.delete(key),
      clear: (prefix) => inner.clear(prefix),
      watch(listener) {
        listeners.push(listener);
        return () => listeners.splice(listeners.indexOf(listener), 1);
      },
    };
    const reset = () => {
      for (const listener of listeners) listener({ type: 'reset' });
    };
    return { store, reset };
  }

  it("empties the tiers above the store, of the cache's own keys only; the store and tiers below keep theirs", async () => {
    const top = memoryStore();
    const middle = resettable();
    const bottom = memoryStore();
    const mine = createCache({ tiers: [top, middle.store, bottom], namespace: 'mine' });
    const other = createCache({ tiers: [top], namespace: 'other' });
    cleanups.push(
      () => mine.close(),
      () => other.close(),
    );
    await mine.set('k', 'v');
    await other.set('k', 'theirs');
    middle.reset();
    expect(top.get('mine:k')).toBeUndefined();
    expect(top.get('other:k')).toMatchObject({ value: 'theirs' });
    expect(middle.store.get('mine:k')).toMatchObject({ value: 'v' });
    expect(bottom.get('mine:k')).toMatchObject({ value: 'v' });
    expect(await mine.get('k')).toBe('v'); // read back from the store that reset
  });
});
