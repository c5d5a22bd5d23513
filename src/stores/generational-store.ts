import { type Clock, systemClock } from '../clock.js';
import { KeepsakeError } from '../errors.js';
import { TwoGenerations } from '../two-generations.js';
import type { StoreEntry, StoreEvent, StoreUsage, SyncStore } from './store.js';

/**
 * Options of {@link generationalStore}.
 *
 * @example
 * ```ts
 * const store = generationalStore({ max: 50_000, name: 'parse' });
 * const parseCached = memoize(parse, { tiers: [store] });
 * ```
 */
export interface GenerationalStoreOptions {
  /**
   * Most entries held. The store keeps two generations of at most `max / 2` entries each; when
   * the young one fills up, the old one is dropped whole.
   * @default 10_000
   */
  max?: number;
  /** The clock deadlines are compared with, epoch ms. @default Date.now */
  now?: Clock;
  /** Name in `stats().tiers` and events. @default 'memory' */
  name?: string;
}

/**
 * An in-process tier whose hit is one `Map.get`: the memory tier memoize uses by default.
 *
 * Recency is approximate, as in quick-lru (the "two generations" scheme): entries live in a
 * young map; a hit on an entry of the old map moves it to the young one; when the young map
 * reaches `max / 2`, it becomes the old map and the previous old map is dropped. An entry that
 * was used in the last `max / 2` insertions always survives. lru-cache, the exact LRU behind
 * `memoryStore`, costs two to three `Map.get`s per hit for its bookkeeping; memoize's hit path
 * is meant to cost one. Use `memoryStore` for a byte bound (`maxBytes`) or a tag index.
 *
 * @example
 * ```ts
 * const memo = memoize(parse, { tiers: [generationalStore({ max: 50_000 })] });
 * ```
 */
export class GenerationalStore implements SyncStore {
  readonly name: string;
  readonly kind = 'value' as const;
  readonly sync = true as const;
  readonly #entries: TwoGenerations<string, StoreEntry>;
  readonly #now: Clock;
  #listeners: Array<(event: StoreEvent) => void> = [];

  constructor(options: GenerationalStoreOptions = {}) {
    const { max = 10_000, now = systemClock, name = 'memory' } = options;
    if (!Number.isSafeInteger(max) || max < 2) {
      throw new KeepsakeError('ERR_OPTIONS', 'generationalStore: `max` must be an integer >= 2', {
        hint: `got ${String(max)}`,
      });
    }
    this.#entries = new TwoGenerations(max, (dropped) => this.#evicted(dropped));
    this.#now = now;
    this.name = name;
  }

  /**
   * The young generation, for a caller's hot path (memoize reads it inline): an entry found
   * here is a hit if it has no deadline, or if {@link isFresh} says so; anything else goes
   * through {@link get}, which also looks in the old generation.
   *
   * @example
   * ```ts
   * const e = store.young.get(key);
   * const hit = e !== undefined && (e.expiresAt === undefined ? e.staleUntil === undefined : store.isFresh(e));
   * ```
   */
  get young(): ReadonlyMap<string, StoreEntry> {
    return this.#entries.young;
  }

  /**
   * Whether `entry` is before its `expiresAt` by this store's clock (an entry in its stale
   * window is not fresh).
   *
   * @example
   * ```ts
   * if (entry.expiresAt !== undefined && !store.isFresh(entry)) refresh(key);
   * ```
   */
  isFresh(entry: StoreEntry): boolean {
    return entry.expiresAt !== undefined && entry.expiresAt > this.#now();
  }

  get(key: string): StoreEntry | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    // Entries without a deadline (the common memoize case) never read the clock.
    if (entry.expiresAt !== undefined || entry.staleUntil !== undefined) {
      const deadline = (entry.staleUntil ?? entry.expiresAt)!;
      if (deadline <= this.#now()) {
        this.delete(key);
        return undefined;
      }
    }
    return entry;
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  set(key: string, entry: StoreEntry): void {
    const deadline = entry.staleUntil ?? entry.expiresAt;
    if (deadline !== undefined && deadline <= this.#now()) {
      this.delete(key);
      return;
    }
    this.#entries.set(key, entry);
  }

  #evicted(dropped: ReadonlyMap<string, StoreEntry>): void {
    if (this.#listeners.length === 0) return;
    for (const k of dropped.keys()) {
      const event: StoreEvent = { type: 'evict', key: k, reason: 'capacity' };
      for (const listener of this.#listeners) listener(event);
    }
  }

  delete(key: string): boolean {
    return this.#entries.delete(key);
  }

  clear(prefix?: string): void {
    if (prefix === undefined || prefix === '') this.#entries.clear();
    else this.#entries.clear((key) => key.startsWith(prefix));
  }

  watch(listener: (event: StoreEvent) => void): () => void {
    this.#listeners.push(listener);
    return () => {
      this.#listeners = this.#listeners.filter((l) => l !== listener);
    };
  }

  usage(): StoreUsage {
    return { entries: this.#entries.size };
  }

  close(): void {
    this.clear();
    this.#listeners = [];
  }
}

/**
 * Creates a {@link GenerationalStore}: a memory tier whose hit is one `Map.get`.
 *
 * @example
 * ```ts
 * import { createCache, generationalStore } from 'keepsake';
 * const cache = createCache({ tiers: [generationalStore({ max: 1_000 })] });
 * ```
 */
export function generationalStore(options: GenerationalStoreOptions = {}): GenerationalStore {
  return new GenerationalStore(options);
}
