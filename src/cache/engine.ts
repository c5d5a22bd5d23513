import type { Clock } from '../clock.js';
import { deserialize, serialize } from '../codec/index.js';
import { isKeepsakeError, KeepsakeError } from '../errors.js';
import { channels, publish } from '../events.js';
import {
  isThenable,
  type Store,
  type StoreEntry,
  type StoreEvent,
  type SyncStore,
} from '../stores/store.js';
import type { ResolvedCacheOptions } from './options.js';
import { Tier, type TierHost } from './tier.js';

/** A usable entry found in a tier: its value decoded, and whether it is past `expiresAt`. */
export interface Hit {
  value: unknown;
  entry: StoreEntry;
  stale: boolean;
  /** The codec bytes when the hit came from a byte tier: promoted as they are. */
  bytes: Uint8Array | undefined;
  /** The tier it came from. */
  tier: Tier;
}

/** Absolute-time options of one write, already defaulted by the caller. */
export interface PutOptions {
  ttl?: number | undefined;
  staleWhileRevalidate?: number | undefined;
  tags?: readonly string[] | undefined;
}

/**
 * The policy half of a cache: tiers, lookup order, promotion, encode-once writes, tags and
 * counters. `Cache` (cache.ts) adds the public API on top: in-flight de-duplication, SWR
 * refreshes, leases and the sync/async split. Internal: not exported from the package.
 *
 * Tags across tiers: `invalidateTags` stamps each tag with the time of invalidation (a "tag
 * epoch") and asks every tier with a tag index to drop its entries eagerly. An entry read from
 * any tier whose `createdAt` is not after the epoch of one of its tags is a miss and is removed
 * (lazily), which covers tiers with no tag index and entries written by other processes. A write
 * after an invalidation gets `createdAt` past the epoch, so a clock that has not moved since
 * (a test clock) cannot hide it.
 */
export class Engine implements TierHost {
  readonly tiers: Tier[];
  /** Tier 0, read inline on the hot path when it is a sync value store with a tag index. */
  readonly front: Tier;
  readonly frontStore: SyncStore;
  readonly frontFast: boolean;
  readonly allSync: boolean;
  /** How many tiers from the top are sync: what `peek` may read. */
  readonly syncPrefix: number;
  readonly hasBytes: boolean;
  readonly prefix: string;
  readonly label: string;
  readonly now: Clock;
  readonly ttl: number | undefined;
  readonly staleWhileRevalidate: number;
  readonly readTimeout: number;
  readonly writeTimeout: number;
  readonly tagEpochs = new Map<string, number>();
  readonly pending = new Set<Promise<unknown>>();
  hits = 0;
  /** Hits served inline from tier 0 (counted apart to keep the hot path to one increment). */
  frontHits = 0;
  misses = 0;
  sets = 0;
  deletes = 0;
  errors = 0;
  #unwatch: Array<() => void> = [];

  constructor(options: ResolvedCacheOptions) {
    this.tiers = options.tiers.map((store, i) => new Tier(store, i, this));
    this.front = this.tiers[0]!;
    this.frontStore = this.front.store as SyncStore;
    this.frontFast = this.front.sync && !this.front.bytes && this.front.nativeTags;
    this.allSync = this.tiers.every((t) => t.sync);
    const firstAsync = this.tiers.findIndex((t) => !t.sync);
    this.syncPrefix = firstAsync === -1 ? this.tiers.length : firstAsync;
    this.hasBytes = this.tiers.some((t) => t.bytes);
    this.prefix = options.prefix;
    this.label = options.label;
    this.now = options.now;
    this.ttl = options.ttl;
    this.staleWhileRevalidate = options.staleWhileRevalidate;
    this.readTimeout = options.readTimeout;
    this.writeTimeout = options.writeTimeout;
    for (const tier of this.tiers) {
      const store: Store = tier.store;
      if (typeof store.watch !== 'function') continue;
      this.#unwatch.push(store.watch((event) => this.#onStoreEvent(tier, event)));
    }
  }

  tierError(tier: Tier, op: string, key: string | undefined, error: unknown): void {
    tier.errors++;
    this.errors++;
    // A tier refusing at once during an outage would flood subscribers with one event per
    // call; the store publishes the outage itself when it starts.
    if (isKeepsakeError(error, 'ERR_UNAVAILABLE')) return;
    publish('error', () => ({ cache: this.label, tier: tier.name, key, op, error }));
  }

  /** Counts and publishes a failure that belongs to no tier (encode, background refresh). */
  report(op: string, key: string | undefined, error: unknown): void {
    this.errors++;
    publish('error', () => ({ cache: this.label, key, op, error }));
  }

  /** Tier 0's entry for `k` when usable, without counting. Only when `frontFast`. */
  frontRead(k: string): StoreEntry | undefined {
    let entry: StoreEntry | undefined;
    try {
      entry = this.frontStore.get(k);
    } catch (error) {
      this.tierError(this.front, 'get', k, error);
      return undefined;
    }
    if (entry === undefined) return undefined;
    if (entry.tags !== undefined && this.tagEpochs.size !== 0 && this.isInvalidated(entry)) {
      this.front.remove(k);
      return undefined;
    }
    return entry;
  }

  /** Past `expiresAt` but inside its stale window. Reads the clock only for SWR entries. */
  isStale(entry: StoreEntry): boolean {
    return (
      entry.staleUntil !== undefined &&
      entry.expiresAt !== undefined &&
      entry.expiresAt <= this.now()
    );
  }

  isInvalidated(entry: StoreEntry): boolean {
    for (const tag of entry.tags!) {
      const epoch = this.tagEpochs.get(tag);
      if (epoch !== undefined && entry.createdAt <= epoch) return true;
    }
    return false;
  }

  /** Reads sync tiers `from`..`to`-1 in order; the first usable entry is promoted and returned. */
  lookupSync(k: string, from: number, to: number): Hit | undefined {
    for (let i = from; i < to; i++) {
      const tier = this.tiers[i]!;
      const hit = this.#accept(tier, k, tier.read(k) as StoreEntry | undefined);
      if (hit !== undefined) {
        this.#promote(k, hit, i);
        return hit;
      }
    }
    return undefined;
  }

  /** Reads tiers from `from` down, awaiting async ones (bounded by readTimeout). */
  async lookup(k: string, from: number): Promise<Hit | undefined> {
    for (let i = from; i < this.tiers.length; i++) {
      const tier = this.tiers[i]!;
      const read = tier.read(k);
      const hit = this.#accept(tier, k, isThenable(read) ? await read : read);
      if (hit !== undefined) {
        this.#promote(k, hit, i);
        return hit;
      }
    }
    return undefined;
  }

  /**
   * Writes `value` to every tier: live to value tiers, codec bytes (encoded once here) to byte
   * tiers. Sync tiers are written before this returns; the promise (if any) settles when the
   * async tiers are done or timed out. It never rejects.
   */
  put(k: string, value: unknown, options: PutOptions): Promise<unknown> | undefined {
    const now = this.now();
    const ttl = options.ttl ?? this.ttl;
    if (ttl !== undefined && ttl <= 0) {
      // Expired on arrival: not stored, and an older value must not outlive this write.
      const removed = this.removeEverywhere(k);
      return isThenable(removed) ? removed : undefined;
    }
    const expiresAt = ttl === undefined || ttl === Number.POSITIVE_INFINITY ? undefined : now + ttl;
    const swr = options.staleWhileRevalidate ?? this.staleWhileRevalidate;
    const staleUntil = expiresAt !== undefined && swr > 0 ? expiresAt + swr : undefined;
    let tags: string[] | undefined;
    let createdAt = now;
    if (options.tags !== undefined && options.tags.length > 0) {
      tags = options.tags.map((tag) => this.prefix + tag);
      for (const tag of tags) {
        const epoch = this.tagEpochs.get(tag);
        if (epoch !== undefined && epoch >= createdAt) createdAt = epoch + 1;
      }
    }
    const bytes = this.hasBytes ? this.#encode(k, value) : undefined;
    const size = bytes?.byteLength;
    // One shape for every entry: the memory tier's objects stay monomorphic for V8.
    const live: StoreEntry = { value, createdAt, expiresAt, staleUntil, tags, size };
    const packed: StoreEntry | undefined =
      bytes === undefined
        ? undefined
        : { value: bytes, createdAt, expiresAt, staleUntil, tags, size };
    this.sets++;
    const waits: Promise<unknown>[] = [];
    for (const tier of this.tiers) {
      const entry = tier.bytes ? packed : live;
      if (entry === undefined) continue;
      const done = tier.write(k, entry);
      if (isThenable(done)) waits.push(done);
    }
    publish('set', () => ({ cache: this.label, key: k, tiers: this.tiers.map((t) => t.name) }));
    return waits.length === 0 ? undefined : Promise.all(waits);
  }

  /** Deletes `k` from every tier; resolves whether any tier had it. */
  removeEverywhere(k: string, except?: Tier): Promise<boolean> | boolean {
    let removed = false;
    const waits: Promise<boolean>[] = [];
    for (const tier of this.tiers) {
      if (tier === except) continue;
      const done = tier.remove(k);
      if (isThenable(done)) waits.push(done);
      else removed ||= done;
    }
    if (waits.length === 0) return removed;
    return Promise.all(waits).then((all) => removed || all.includes(true));
  }

  /** Stamps tag epochs and drops tagged entries from tiers with a tag index; distinct keys. */
  async invalidateTags(tags: readonly string[], except?: Tier): Promise<number> {
    const now = this.now();
    for (const tag of tags) this.tagEpochs.set(tag, Math.max(now, this.tagEpochs.get(tag) ?? 0));
    const dropped = new Set<string>();
    const waits: Promise<string[]>[] = [];
    for (const tier of this.tiers) {
      if (!tier.nativeTags || tier === except) continue;
      const keys = tier.invalidate(tags);
      if (isThenable(keys)) waits.push(keys);
      else for (const key of keys) dropped.add(key);
    }
    for (const keys of await Promise.all(waits)) for (const key of keys) dropped.add(key);
    return dropped.size;
  }

  /** Empties `tiers` of this cache's keys (all of them when it has no namespace). */
  async clear(tiers: readonly Tier[] = this.tiers): Promise<void> {
    const prefix = this.prefix === '' ? undefined : this.prefix;
    await Promise.all(tiers.map((tier) => tier.clear(prefix)));
  }

  /** Keeps `promise` (which must not reject) for `close()` to wait on. */
  track(promise: Promise<unknown>): void {
    this.pending.add(promise);
    promise.then(() => this.pending.delete(promise));
  }

  unwatch(): void {
    for (const stop of this.#unwatch) stop();
    this.#unwatch = [];
  }

  /** Checks one tier's answer: deadline, tags, decoding. Counts the tier's hit or miss. */
  #accept(tier: Tier, k: string, entry: StoreEntry | undefined): Hit | undefined {
    if (entry === undefined) {
      tier.misses++;
      return undefined;
    }
    let now: number | undefined;
    let bytes: Uint8Array | undefined;
    let value: unknown = entry.value;
    if (tier.bytes) {
      // Byte tiers sit behind I/O, so re-checking the deadline costs nothing measurable and
      // protects against a store that does not expire entries itself.
      now = this.now();
      const deadline = entry.staleUntil ?? entry.expiresAt;
      if (deadline !== undefined && deadline <= now) {
        tier.misses++;
        return undefined;
      }
    }
    if (entry.tags !== undefined && this.tagEpochs.size !== 0 && this.isInvalidated(entry)) {
      this.#drop(tier, k);
      return undefined;
    }
    if (tier.bytes) {
      if (!(value instanceof Uint8Array)) {
        const error = new KeepsakeError('ERR_STORE', `store "${tier.name}" returned no bytes`, {
          hint: "a store with kind 'bytes' must return the Uint8Array it was given",
        });
        return this.#corrupt(tier, k, error);
      }
      bytes = value;
      try {
        value = deserialize(bytes);
      } catch (error) {
        return this.#corrupt(tier, k, error);
      }
    }
    tier.hits++;
    const stale =
      entry.staleUntil !== undefined &&
      entry.expiresAt !== undefined &&
      entry.expiresAt <= (now ?? this.now());
    return { value, entry, stale, bytes, tier };
  }

  /** A bad entry (undecodable, wrong type) is an error and a miss, and is removed. */
  #corrupt(tier: Tier, k: string, error: unknown): undefined {
    this.tierError(tier, 'decode', k, error);
    this.#drop(tier, k);
    return undefined;
  }

  #drop(tier: Tier, k: string): void {
    tier.misses++;
    const done = tier.remove(k);
    if (isThenable(done)) this.track(done);
  }

  /** Copies a hit from tier `index` into every tier above it, keeping its absolute times. */
  #promote(k: string, hit: Hit, index: number): void {
    if (index === 0) return;
    const { entry } = hit;
    let bytes = hit.bytes;
    let encoded = bytes !== undefined;
    let live: StoreEntry | undefined;
    let packed: StoreEntry | undefined;
    for (let i = 0; i < index; i++) {
      const tier = this.tiers[i]!;
      let target: StoreEntry | undefined;
      if (tier.bytes) {
        if (!encoded) {
          encoded = true;
          bytes = this.#encode(k, hit.value);
        }
        if (bytes === undefined) continue;
        target = packed ??= { ...entry, value: bytes, size: bytes.byteLength };
      } else {
        target = live ??= { ...entry, value: hit.value, size: bytes?.byteLength ?? entry.size };
      }
      const done = tier.write(k, target);
      if (isThenable(done)) this.track(done);
    }
  }

  #encode(k: string, value: unknown): Uint8Array | undefined {
    try {
      return serialize(value);
    } catch (error) {
      // Value tiers still keep it; only the byte tiers go without.
      this.report('encode', k, error);
      return undefined;
    }
  }

  #onStoreEvent(tier: Tier, event: StoreEvent): void {
    try {
      if (event.type === 'evict') {
        tier.evictions++;
        if (channels.evict.hasSubscribers) {
          channels.evict.publish({
            cache: this.label,
            tier: tier.name,
            key: event.key,
            reason: event.reason,
          });
        }
      } else if (event.type === 'delete') {
        const done = this.removeEverywhere(event.key, tier);
        if (isThenable(done)) this.track(done);
      } else if (event.type === 'invalidate') {
        this.track(this.invalidateTags(event.tags, tier));
      } else if (event.type === 'reset') {
        // The tiers above may hold copies of what the store missed being told about.
        this.track(this.clear(this.tiers.slice(0, tier.index)));
      }
    } catch (error) {
      this.tierError(tier, 'watch', undefined, error);
    }
  }
}
