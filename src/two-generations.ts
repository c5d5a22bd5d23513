/**
 * A bounded map with approximate LRU recency in one `Map.get` per hit: quick-lru's "two
 * generations" scheme. Entries live in a young map; a hit in the old map moves the entry to the
 * young one; when the young map reaches `max / 2` entries it becomes the old map and the
 * previous old map is dropped whole. An entry used within the last `max / 2` insertions always
 * survives.
 *
 * @example
 * ```ts
 * const recent = new TwoGenerations<string, number>(1_000);
 * recent.set('a', 1);
 * recent.get('a'); // 1
 * ```
 */
export class TwoGenerations<K, V> {
  #young = new Map<K, V>();
  #old = new Map<K, V>();
  readonly #half: number;
  readonly #onDrop: ((dropped: ReadonlyMap<K, V>) => void) | undefined;

  /**
   * @param max Most entries held (two generations of `max / 2`).
   * @param onDrop Called with each generation dropped for capacity.
   */
  constructor(max: number, onDrop?: (dropped: ReadonlyMap<K, V>) => void) {
    this.#half = Math.max(1, Math.floor(max / 2));
    this.#onDrop = onDrop;
  }

  /** The young generation, for a caller's inline hot path; a miss here is not a miss yet. */
  get young(): ReadonlyMap<K, V> {
    return this.#young;
  }

  /** Entries held, both generations. */
  get size(): number {
    return this.#young.size + this.#old.size;
  }

  /** The value for `key`, moving it to the young generation if it was in the old one. */
  get(key: K): V | undefined {
    const value = this.#young.get(key);
    if (value !== undefined) return value;
    const old = this.#old.get(key);
    if (old === undefined) return undefined;
    this.#old.delete(key);
    this.#add(key, old);
    return old;
  }

  /** Sets `key` (in the young generation). */
  set(key: K, value: V): void {
    this.#old.delete(key);
    if (this.#young.has(key)) this.#young.set(key, value);
    else this.#add(key, value);
  }

  /** Removes `key`; whether it was there. */
  delete(key: K): boolean {
    const young = this.#young.delete(key);
    return this.#old.delete(key) || young;
  }

  /** Removes everything, or the keys `drop` says yes to. */
  clear(drop?: (key: K) => boolean): void {
    if (drop === undefined) {
      this.#young.clear();
      this.#old.clear();
      return;
    }
    // Deleting the entry being visited is safe in a Map iteration: no copy of the keys.
    for (const map of [this.#young, this.#old]) {
      for (const key of map.keys()) if (drop(key)) map.delete(key);
    }
  }

  #add(key: K, value: V): void {
    this.#young.set(key, value);
    if (this.#young.size < this.#half) return;
    const dropped = this.#old;
    this.#old = this.#young;
    this.#young = new Map();
    this.#onDrop?.(dropped);
  }
}
