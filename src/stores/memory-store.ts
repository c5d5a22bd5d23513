import { LRUCache } from 'lru-cache';
import { type Clock, systemClock } from '../clock.js';
import { KeepsakeError } from '../errors.js';
import type { StoreEntry, StoreEvent, StoreUsage, SyncStore } from './store.js';

/**
 * Options of {@link memoryStore}.
 *
 * @example
 * ```ts
 * const cache = createCache({ tiers: [memoryStore({ maxBytes: 256 * 1024 ** 2 })] }); // 256 MiB
 * ```
 */
export interface MemoryStoreOptions {
  /**
   * Most entries held; the least recently used go first.
   * @default 10_000 when `maxBytes` is not given, else unbounded by count
   */
  max?: number;
  /**
   * Most bytes held, least recently used first. A value's size is its codec byte length when
   * the cache encoded it for a lower tier, else a quick estimate of its heap size. A single value
   * larger than this is not stored.
   * @default unbounded by size
   */
  maxBytes?: number;
  /**
   * The clock entries' `expiresAt`/`staleUntil` are compared with, epoch ms. Give the same clock
   * to the cache (`createCache({ now })`) in tests.
   * @default Date.now
   */
  now?: Clock;
  /**
   * Name in `stats().tiers` and events.
   * @default 'memory'
   */
  name?: string;
}

/** Entry count used when neither `max` nor `maxBytes` is given: lru-cache needs a bound. */
const DEFAULT_MAX = 10_000;

/**
 * The in-process tier: live values in an LRU (isaacs/node-lru-cache), no copy and no decode on a
 * hit. Synchronous. lru-cache owns expiry: each entry gets an lru TTL up to its deadline
 * (`staleUntil ?? expiresAt`), so a hit needs no clock read here or in the cache (lru-cache
 * reads `performance.now()` at most once per millisecond). Keeps a tag index for
 * `invalidateTags`, and reports capacity and expiry evictions to `watch` listeners.
 *
 * @example
 * ```ts
 * const store = new MemoryStore({ max: 500 });
 * store.set('k', { value: { big: 'object' }, createdAt: Date.now() });
 * ```
 */
export class MemoryStore implements SyncStore {
  readonly name: string;
  readonly kind = 'value' as const;
  readonly sync = true as const;
  #lru: LRUCache<string, StoreEntry>;
  #now: Clock;
  #byteBound: boolean;
  #tags = new Map<string, Set<string>>();
  #listeners: Array<(event: StoreEvent) => void> = [];
  #closed = false;

  constructor(options: MemoryStoreOptions = {}) {
    const { max, maxBytes, now = systemClock, name = 'memory' } = options;
    checkPositiveInt('max', max);
    checkPositiveInt('maxBytes', maxBytes);
    if (typeof now !== 'function') {
      throw new KeepsakeError('ERR_OPTIONS', 'memoryStore: `now` must be a function', {
        hint: 'pass a clock returning epoch ms, e.g. `() => Date.now()`',
      });
    }
    this.name = name;
    this.#now = now;
    this.#byteBound = maxBytes !== undefined;
    const lruOptions: LRUCache.Options<string, StoreEntry, unknown> = {
      max: max ?? (maxBytes === undefined ? DEFAULT_MAX : 0),
      dispose: (entry, key, reason) => this.#onDispose(entry, key, reason),
    };
    if (maxBytes !== undefined) {
      lruOptions.maxSize = maxBytes;
      lruOptions.sizeCalculation = (entry) =>
        Math.max(1, Math.ceil(entry.size ?? estimateSize(entry.value)));
    }
    if (now !== systemClock) {
      // An injected clock (tests): lru-cache measures age with it. The +1 keeps a clock that
      // starts at 0 from reading as "no start time" inside lru-cache; ttlResolution 0 stops it
      // caching the time across a test's manual clock moves.
      lruOptions.perf = { now: () => now() + 1 };
      lruOptions.ttlResolution = 0;
    }
    this.#lru = new LRUCache(lruOptions);
  }

  get(key: string): StoreEntry | undefined {
    if (this.#closed) throw closedError();
    return this.#lru.get(key);
  }

  has(key: string): boolean {
    if (this.#closed) throw closedError();
    return this.#lru.has(key);
  }

  set(key: string, entry: StoreEntry): void {
    if (this.#closed) throw closedError();
    const deadline = entry.staleUntil ?? entry.expiresAt;
    let ttl = 0;
    if (deadline !== undefined) {
      // lru-cache expires when age > ttl; the contract is "gone at the deadline", hence - 1.
      ttl = Math.ceil(deadline - this.#now()) - 1;
      if (ttl <= 0) {
        // Dead, or dead within a millisecond: not worth storing (and lru ttl 0 means forever).
        this.#lru.delete(key);
        return;
      }
    }
    this.#lru.set(key, entry, { ttl });
    // Index tags after set: set disposes the old entry first, which unindexes its tags. An entry
    // too large for maxBytes is not stored at all, and must not be indexed.
    if (entry.tags !== undefined && entry.tags.length > 0 && this.#lru.peek(key) === entry) {
      for (const tag of entry.tags) {
        const keys = this.#tags.get(tag);
        if (keys === undefined) this.#tags.set(tag, new Set([key]));
        else keys.add(key);
      }
    }
  }

  delete(key: string): boolean {
    if (this.#closed) throw closedError();
    return this.#lru.delete(key);
  }

  clear(prefix?: string): void {
    if (this.#closed) throw closedError();
    if (prefix === undefined || prefix === '') {
      this.#lru.clear();
      return;
    }
    const doomed: string[] = [];
    for (const key of this.#lru.keys()) if (key.startsWith(prefix)) doomed.push(key);
    for (const key of doomed) this.#lru.delete(key);
  }

  invalidateTags(tags: readonly string[]): string[] {
    if (this.#closed) throw closedError();
    const doomed = new Set<string>();
    for (const tag of tags) {
      const keys = this.#tags.get(tag);
      if (keys !== undefined) for (const key of keys) doomed.add(key);
    }
    const removed: string[] = [];
    for (const key of doomed) {
      // has() first: an entry past its deadline is already gone as far as callers can tell.
      const live = this.#lru.has(key);
      if (this.#lru.delete(key) && live) removed.push(key);
    }
    return removed;
  }

  watch(listener: (event: StoreEvent) => void): () => void {
    this.#listeners.push(listener);
    return () => {
      this.#listeners = this.#listeners.filter((l) => l !== listener);
    };
  }

  usage(): StoreUsage {
    const usage: StoreUsage = { entries: this.#lru.size };
    if (this.#byteBound) usage.bytes = this.#lru.calculatedSize;
    return usage;
  }

  close(): void {
    if (this.#closed) return;
    this.#lru.clear();
    this.#closed = true;
    this.#listeners = [];
    this.#tags.clear();
  }

  #onDispose(entry: StoreEntry, key: string, reason: LRUCache.DisposeReason): void {
    if (entry.tags !== undefined) {
      for (const tag of entry.tags) {
        const keys = this.#tags.get(tag);
        if (keys === undefined) continue;
        keys.delete(key);
        if (keys.size === 0) this.#tags.delete(tag);
      }
    }
    if ((reason === 'evict' || reason === 'expire') && this.#listeners.length > 0) {
      const event: StoreEvent = {
        type: 'evict',
        key,
        reason: reason === 'evict' ? 'capacity' : 'expire',
      };
      for (const listener of this.#listeners) listener(event);
    }
  }
}

/**
 * Creates the in-process tier: an LRU of live values bounded by entry count and/or bytes.
 * Synchronous, so memoized sync functions stay sync.
 *
 * @example
 * ```ts
 * import { createCache, memoryStore } from 'keepsake';
 * const cache = createCache({ tiers: [memoryStore({ max: 1_000, maxBytes: 50 * 1024 ** 2 })] });
 * ```
 */
export function memoryStore(options: MemoryStoreOptions = {}): MemoryStore {
  return new MemoryStore(options);
}

function checkPositiveInt(name: string, value: number | undefined): void {
  if (value === undefined) return;
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new KeepsakeError('ERR_OPTIONS', `memoryStore: \`${name}\` must be a positive integer`, {
      hint: `got ${String(value)}; omit \`${name}\` for no bound of that kind`,
    });
  }
}

function closedError(): KeepsakeError {
  return new KeepsakeError('ERR_CLOSED', 'memoryStore used after close()', {
    hint: 'create a new store, or close it only when done',
  });
}

/** A character outside Latin-1: V8 keeps such a string at two bytes per character. */
const WIDE = /[\u0100-\uffff]/;
/** Longest string scanned for a wide character; a longer one counts two bytes per character. */
const SCAN_MAX = 1 << 20;

/**
 * Heap bytes of a string's characters: one each when all are Latin-1 (ASCII bodies, most keys),
 * else two. The scan reads the string once (~0.05 ms per MB); past {@link SCAN_MAX} characters
 * it is skipped and two are counted, which never undercounts.
 */
function stringBytes(s: string): number {
  return s.length <= SCAN_MAX && !WIDE.test(s) ? s.length : s.length * 2;
}

/** Objects visited before the estimate gives up: sizing must stay cheap on the set path. */
const ESTIMATE_BUDGET = 10_000;

/**
 * A rough heap size of a live value in bytes, for `maxBytes` when no codec bytes exist. Walks at
 * most {@link ESTIMATE_BUDGET} nodes; cycles and shared references are counted once.
 */
function estimateSize(root: unknown): number {
  let total = 0;
  let budget = ESTIMATE_BUDGET;
  const seen = new Set<object>();
  const stack: unknown[] = [root];
  while (stack.length > 0 && budget-- > 0) {
    const value = stack.pop();
    switch (typeof value) {
      case 'string':
        total += 16 + stringBytes(value);
        continue;
      case 'number':
      case 'bigint':
        total += 8;
        continue;
      case 'object':
        break;
      default:
        total += 4;
        continue;
    }
    if (value === null || seen.has(value)) continue;
    seen.add(value);
    if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) {
      total += 64 + value.byteLength;
    } else if (value instanceof Map) {
      total += 64;
      for (const [k, v] of value) stack.push(k, v);
    } else if (value instanceof Set) {
      total += 64;
      for (const v of value) stack.push(v);
    } else if (Array.isArray(value)) {
      total += 32 + value.length * 8;
      for (const v of value) stack.push(v);
    } else {
      total += 32;
      for (const [k, v] of Object.entries(value)) {
        total += 16 + stringBytes(k);
        stack.push(v);
      }
    }
  }
  return total;
}
