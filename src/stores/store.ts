/**
 * The one contract every cache tier implements: the memory store, the disk store (sync file
 * I/O), the Redis store (network) and any store a user writes. A store is dumb and fast; policy
 * (TTL defaults, stale-while-revalidate, promotion, de-duplication) lives once in `cache.ts`.
 *
 * The shape follows unjs/unstorage's `Driver` (a required core, optional extras whose presence
 * is the capability) and keyv (expiry stored as absolute epoch ms, TTL given in ms).
 */

/**
 * A value, or a promise of it: sync stores return the first, async stores may return either.
 *
 * @example
 * ```ts
 * async function read(store: Store, key: string): Promise<unknown> {
 *   const entry: MaybePromise<StoreEntry | undefined> = store.get(key);
 *   return (await entry)?.value; // await handles both a value and a promise
 * }
 * ```
 */
export type MaybePromise<T> = T | Promise<T>;

/**
 * Whether a store's (or a cache's) answer is still on its way: a promise or any thenable.
 * Lets a caller keep the sync path sync and await only when it must.
 *
 * @example
 * ```ts
 * const entry = store.get(key);
 * if (isThenable(entry)) return entry.then(use);
 * return use(entry);
 * ```
 */
export function isThenable<T>(value: MaybePromise<T>): value is Promise<T> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/**
 * What a store keeps in `entry.value`:
 * - `'value'`: live JavaScript values, returned as the very object that was set (no copy, no
 *   decode). Only an in-process store can be one.
 * - `'bytes'`: codec bytes (`serialize()` output, a `Uint8Array`), encoded once per `set` by the
 *   cache and shared by every byte tier.
 *
 * @example
 * ```ts
 * const kind: StoreKind = store.kind; // 'value' for memoryStore(), 'bytes' for diskStore()
 * ```
 */
export type StoreKind = 'value' | 'bytes';

/**
 * One cached entry: the value (live or codec bytes, see {@link StoreKind}) plus metadata.
 * Times are absolute epoch milliseconds so that every process reading a shared tier agrees.
 *
 * A store must keep the entry until its deadline, `staleUntil ?? expiresAt`, and must never
 * return it after that deadline. Whether a returned entry is fresh or stale (past `expiresAt`
 * but before `staleUntil`) is the cache's decision, not the store's.
 *
 * @example
 * ```ts
 * const entry: StoreEntry<Uint8Array> = {
 *   value: serialize({ id: 1 }),
 *   createdAt: Date.now(),
 *   expiresAt: Date.now() + 60_000,
 *   staleUntil: Date.now() + 120_000,
 *   tags: ['user:1'],
 * };
 * ```
 */
export interface StoreEntry<V = unknown> {
  /** The live value (`'value'` stores) or its codec bytes (`'bytes'` stores). */
  readonly value: V;
  /** When the value was computed, epoch ms. Kept across promotion between tiers. */
  readonly createdAt: number;
  /** When the value stops being fresh, epoch ms. `undefined`: never. */
  readonly expiresAt?: number | undefined;
  /**
   * Until when a stale value may still be served while it is refreshed, epoch ms; at least
   * `expiresAt`. `undefined`: no stale window, the entry dies at `expiresAt`.
   */
  readonly staleUntil?: number | undefined;
  /** Tags for `invalidateTags`, already namespaced by the cache. */
  readonly tags?: readonly string[] | undefined;
  /** Size in bytes: the byte length of the codec bytes when known, else an estimate. */
  readonly size?: number | undefined;
}

/**
 * Something a store reports to the cache that watches it (see {@link Store.watch}):
 * - `evict`: the store dropped an entry on its own, for room (`'capacity'`) or age (`'expire'`).
 * - `delete`: an entry was removed by someone else (another process or node); the cache drops
 *   it from its other tiers too.
 * - `invalidate`: tags were invalidated elsewhere (e.g. broadcast over Redis pub/sub); the cache
 *   invalidates them in its other tiers too.
 * - `reset`: the store may have missed deletes and invalidations made elsewhere (its notice
 *   channel was cut and is back); the cache empties the tiers above it, whose copies may be
 *   stale: of its namespace's keys, or entirely when it has no namespace.
 *
 * @example
 * ```ts
 * const store = memoryStore({ max: 1_000 });
 * const stop = store.watch((event: StoreEvent) => {
 *   if (event.type === 'evict') console.log(`dropped ${event.key}: ${event.reason}`);
 * });
 * ```
 */
export type StoreEvent =
  | { readonly type: 'evict'; readonly key: string; readonly reason: 'capacity' | 'expire' }
  | { readonly type: 'delete'; readonly key: string }
  | { readonly type: 'invalidate'; readonly tags: readonly string[] }
  | { readonly type: 'reset' };

/**
 * How full a store is, for `cache.stats().tiers`. Either field may be unknown.
 *
 * @example
 * ```ts
 * const usage: StoreUsage = store.usage?.() ?? {};
 * console.log(`${usage.entries ?? '?'} entries, ${usage.bytes ?? '?'} bytes`);
 * ```
 */
export interface StoreUsage {
  /** Number of entries held. */
  entries?: number;
  /** Bytes held (codec bytes, or estimated for live values). */
  bytes?: number;
}

/**
 * A cache tier. Implement the required core (`name`, `kind`, `sync`, `get`, `set`, `delete`,
 * `clear`); each optional member, when present, is a capability the cache uses:
 *
 * | member            | capability                                                          |
 * | ----------------- | ------------------------------------------------------------------- |
 * | `has`             | cheap existence check (the cache falls back to `get`)               |
 * | `invalidateTags`  | a tag index: drop every entry carrying a tag, eagerly               |
 * | `acquire/release` | leases, used by `createCache({ lock: true })`: one computes a key    |
 * | `watch`           | push {@link StoreEvent}s (evictions, remote deletes/invalidations)  |
 * | `usage`           | entry and byte counts for `stats()`                                 |
 * | `close`           | release files, sockets, timers                                      |
 *
 * Rules every store follows, checked by `testStore()` from `keepsake/testing`:
 * - `sync: true` means every method returns a plain value, never a promise: the cache then keeps
 *   a synchronous path (`getSync`, `wrapSync`) so a memoized sync function stays sync.
 *   `sync: false` stores may return promises (or plain values).
 * - Keys are opaque strings (the cache has namespaced and, for objects, hashed them).
 * - `get` returns what `set` stored, metadata included, until the entry's deadline
 *   (`staleUntil ?? expiresAt`); never after it. `set` overwrites. An entry whose deadline has
 *   already passed may be dropped instead of stored.
 * - `clear(prefix)` drops only keys starting with `prefix` (a namespace); `clear()` drops all.
 * - `'value'` stores return the stored object itself; `'bytes'` stores return equal bytes.
 * - Throwing or rejecting is allowed: the cache counts it, publishes it on `keepsake:error` and
 *   carries on with the other tiers. It never fails the caller.
 *
 * @example A user-written byte store over a `Map` (sync, so sync functions stay sync):
 * ```ts
 * import type { StoreEntry, SyncStore } from 'keepsake';
 *
 * class MapStore implements SyncStore {
 *   readonly name = 'map';
 *   readonly kind = 'bytes';
 *   readonly sync = true;
 *   #map = new Map<string, StoreEntry>();
 *
 *   get(key: string): StoreEntry | undefined {
 *     const entry = this.#map.get(key);
 *     const deadline = entry && (entry.staleUntil ?? entry.expiresAt);
 *     if (deadline !== undefined && deadline <= Date.now()) {
 *       this.#map.delete(key);
 *       return undefined;
 *     }
 *     return entry;
 *   }
 *   set(key: string, entry: StoreEntry): void {
 *     this.#map.set(key, entry);
 *   }
 *   delete(key: string): boolean {
 *     return this.#map.delete(key);
 *   }
 *   clear(prefix?: string): void {
 *     for (const key of [...this.#map.keys()]) {
 *       if (prefix === undefined || key.startsWith(prefix)) this.#map.delete(key);
 *     }
 *   }
 * }
 *
 * const cache = createCache({ tiers: [memoryStore(), new MapStore()] });
 * ```
 * An async (networked) store has the same shape with `sync = false` and methods returning
 * promises; add `acquire`/`release` for `lock: true`, and `invalidateTags` if it keeps a tag
 * index (tag sets in Redis).
 */
export interface Store {
  /** A short name for `stats().tiers` and events, e.g. `'memory'`, `'disk'`, `'redis'`. */
  readonly name: string;
  /** Live values or codec bytes, see {@link StoreKind}. */
  readonly kind: StoreKind;
  /** `true` when every method returns a plain value, never a promise. */
  readonly sync: boolean;

  /** The entry under `key`, or `undefined` when absent or past its deadline. */
  get(key: string): MaybePromise<StoreEntry | undefined>;
  /** Stores (or overwrites) the entry under `key`. */
  set(key: string, entry: StoreEntry): MaybePromise<void>;
  /** Removes `key`; `true` when something was removed. */
  delete(key: string): MaybePromise<boolean>;
  /** Removes every key starting with `prefix`, or every key when `prefix` is omitted. */
  clear(prefix?: string): MaybePromise<void>;

  /** Whether a live (not past its deadline) entry is stored under `key`. */
  has?(key: string): MaybePromise<boolean>;
  /**
   * Removes every entry carrying any of `tags` and returns the keys removed. Stores without it
   * still drop tagged entries: the cache then treats an entry older than the invalidation of
   * one of its tags as a miss when it reads it (lazily).
   */
  invalidateTags?(tags: readonly string[]): MaybePromise<string[]>;
  /**
   * Tries to take a lease on `key` for `ttl` ms: a token when taken, `undefined` when another
   * holder has it. The lease must expire by itself so that a crashed holder blocks nobody long.
   */
  acquire?(key: string, ttl: number): MaybePromise<string | undefined>;
  /** Gives back a lease taken with {@link Store.acquire}; a wrong or expired token is a no-op. */
  release?(key: string, token: string): MaybePromise<void>;
  /** Subscribes to {@link StoreEvent}s; returns the unsubscribe function. */
  watch?(listener: (event: StoreEvent) => void): () => void;
  /** How full the store is. Synchronous: a networked store reports its last known figures. */
  usage?(): StoreUsage;
  /** Releases resources. Idempotent. */
  close?(): MaybePromise<void>;
}

/**
 * A {@link Store} whose methods all return plain values (`sync: true`). A cache whose tiers are
 * all sync stores offers `getSync`, `setSync` and `wrapSync`.
 *
 * @example
 * ```ts
 * const store: SyncStore = memoryStore();
 * store.set('k', { value: 1, createdAt: Date.now() });
 * store.get('k')?.value; // 1, no promise
 * ```
 */
export interface SyncStore extends Store {
  readonly sync: true;
  get(key: string): StoreEntry | undefined;
  set(key: string, entry: StoreEntry): void;
  delete(key: string): boolean;
  clear(prefix?: string): void;
  has?(key: string): boolean;
  invalidateTags?(tags: readonly string[]): string[];
  acquire?(key: string, ttl: number): string | undefined;
  release?(key: string, token: string): void;
  close?(): void;
}

/**
 * Narrows a store to a {@link SyncStore} by its `sync` flag.
 *
 * @example
 * ```ts
 * if (isSyncStore(store)) store.get('k'); // plain value
 * ```
 */
export function isSyncStore(store: Store): store is SyncStore {
  return store.sync === true;
}

/**
 * The time after which a store must no longer return `entry`: `staleUntil ?? expiresAt`, or
 * `undefined` for an entry that never expires. Handy when writing a store.
 *
 * @example
 * ```ts
 * const deadline = entryDeadline(entry);
 * if (deadline !== undefined && deadline <= Date.now()) return undefined;
 * ```
 */
export function entryDeadline(entry: StoreEntry): number | undefined {
  return entry.staleUntil ?? entry.expiresAt;
}

/**
 * Whether `entry` is past its deadline at time `now` (epoch ms), i.e. must not be returned.
 *
 * @example
 * ```ts
 * if (isPastDeadline(entry, Date.now())) this.#map.delete(key);
 * ```
 */
export function isPastDeadline(entry: StoreEntry, now: number): boolean {
  const deadline = entry.staleUntil ?? entry.expiresAt;
  return deadline !== undefined && deadline <= now;
}
