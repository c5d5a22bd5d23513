/**
 * The plugin's side of the cache: reads an entry for a request through the variant index,
 * writes one (maintaining the index and its bound), and invalidates by tag or path. Every
 * cache failure is a miss here, never a failed request: the cache already counts and publishes
 * tier errors, and anything it throws (a closed or broken user cache) is swallowed.
 *
 * Variant index, in the words of Varnish and RFC 9111 §4.1: the first response for a base key
 * tells which request headers it varies on. With no `Vary` it is stored under the base key.
 * With `Vary: accept-language` the base key holds a {@link VaryIndex} naming those headers and
 * listing the variant keys; each response is stored under `base:v:hash(request's values)`.
 * A lookup reads the base key, and on an index reads the one variant matching the request:
 * two reads at most, no scan. At most `maxVariants` variants per base key are listed; adding
 * one more deletes the oldest, so a client cycling through header values cannot grow one URL
 * without bound. When a response names different headers than the index, the index is
 * replaced and its variants deleted.
 *
 * Races: two variants stored at once on an async tier may each rewrite the index from the same
 * old copy, dropping one from the list. The dropped variant stays readable and is bounded by
 * the tiers' own limits (LRU, TTL); only the per-URL bound is loosened, never correctness.
 */
import { type Cache, isThenable, type MaybePromise } from '../../src/index.js';
import type { HeaderValue } from './freshness.js';
import { asRecord, FORMAT, type HttpEntry, type VaryIndex } from './http-entry.js';
import { headerValues, variantKey } from './request-key.js';

/**
 * Reads and writes HTTP entries in a {@link Cache}.
 *
 * @example
 * ```ts
 * const store = new ResponseStore(createCache(), Date.now, 32);
 * const entry = await store.lookup(key, route, request.headers);
 * ```
 */
export class ResponseStore {
  readonly cache: Cache;
  readonly #now: () => number;
  readonly #maxVariants: number;
  readonly #sync: boolean;

  constructor(cache: Cache, now: () => number, maxVariants: number) {
    this.cache = cache;
    this.#now = now;
    this.#maxVariants = maxVariants;
    this.#sync = cache.sync;
  }

  /** A raw read: sync when every tier is, so a memory hit costs no promise. */
  #read(key: string): MaybePromise<unknown> {
    if (this.#sync) {
      try {
        return this.cache.getSync(key);
      } catch {
        return undefined;
      }
    }
    try {
      return this.cache.get(key).catch(() => undefined);
    } catch {
      return undefined;
    }
  }

  /**
   * The entry answering a request with `headers` under base key `base` on `route`, through the
   * variant index when there is one. Synchronous when every tier is sync.
   */
  lookup(
    base: string,
    route: string,
    headers: Readonly<Record<string, HeaderValue>>,
  ): MaybePromise<HttpEntry | undefined> {
    const first = this.#read(base);
    if (isThenable(first)) return first.then((value) => this.#follow(value, base, route, headers));
    return this.#follow(first, base, route, headers);
  }

  #follow(
    value: unknown,
    base: string,
    route: string,
    headers: Readonly<Record<string, HeaderValue>>,
  ): MaybePromise<HttpEntry | undefined> {
    const record = asRecord(value, route);
    if (record === undefined) return undefined;
    if (record.type === 'response') return record;
    const variant = this.#read(variantKey(base, headerValues(headers, record.headers)));
    const pick = (v: unknown) => {
      const r = asRecord(v, route);
      return r?.type === 'response' ? r : undefined;
    };
    return isThenable(variant) ? variant.then(pick) : pick(variant);
  }

  /**
   * Stores `entry` for a request with `headers` under `base`, as a variant when `vary` names
   * headers. Resolves when written (never rejects); the entry lives until its last usable
   * moment (`max(staleUntil, errorUntil)`).
   */
  async store(
    base: string,
    entry: HttpEntry,
    vary: readonly string[],
    headers: Readonly<Record<string, HeaderValue>>,
  ): Promise<void> {
    try {
      const now = this.#now();
      const until = Math.max(entry.staleUntil, entry.errorUntil);
      const ttl = until - now;
      if (!(ttl > 0)) return;
      const put = { ttl, staleWhileRevalidate: 0, tags: entry.tags };
      const old = asRecord(await this.#read(base), entry.route);
      const oldIndex = old?.type === 'vary' ? old : undefined;
      if (vary.length === 0) {
        if (oldIndex !== undefined) await this.#drop(oldIndex.variants);
        await this.cache.set(base, entry, put);
        return;
      }
      const key = variantKey(base, headerValues(headers, vary));
      let variants: string[] = [];
      let keep = until;
      if (oldIndex !== undefined && sameNames(oldIndex.headers, vary)) {
        variants = oldIndex.variants.filter((k) => k !== key);
        keep = Math.max(until, oldIndex.until);
      } else if (oldIndex !== undefined) {
        await this.#drop(oldIndex.variants);
      }
      variants.push(key);
      if (variants.length > this.#maxVariants) {
        await this.#drop(variants.splice(0, variants.length - this.#maxVariants));
      }
      await this.cache.set(key, entry, put);
      const index: VaryIndex = {
        format: FORMAT,
        type: 'vary',
        route: entry.route,
        headers: vary,
        variants,
        until: keep,
      };
      await this.cache.set(base, index, { ttl: keep - now, staleWhileRevalidate: 0 });
    } catch {
      // A failing cache is a miss next time; the response itself has gone out already.
    }
  }

  async #drop(keys: readonly string[]): Promise<void> {
    await Promise.all(keys.map((k) => this.cache.delete(k).catch(() => false)));
  }

  /** Drops every entry carrying one of `tags`; resolves how many (0 on a failing cache). */
  async invalidate(tags: readonly string[]): Promise<number> {
    if (tags.length === 0) return 0;
    try {
      return await this.cache.invalidateTags(tags);
    } catch {
      return 0;
    }
  }
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((name, i) => name === b[i]);
}
