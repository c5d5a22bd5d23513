/**
 * Request coalescing: the first miss on a key leads (runs the handler), later misses wait for
 * it, with a bound. When the leader's response is stored (or found unstorable) it releases the
 * group and the waiters look the key up again: a hit serves them, a miss sends each to the
 * handler. When the bound passes first, the group is dropped and released: waiters run the
 * handler themselves and the next request leads anew (nginx's `proxy_cache_lock_timeout`).
 *
 * One timer per group, not per waiter: 10,000 waiters on a cold key cost one timer and one
 * promise.
 */

/** One key's in-flight miss. */
export interface Group {
  readonly key: string;
  readonly done: Promise<void>;
  release(): void;
}

/**
 * The in-flight misses, by key.
 *
 * @example
 * ```ts
 * const coalescer = new Coalescer(5_000);
 * const wait = coalescer.join(key);
 * if (wait instanceof Promise) await wait; // someone else leads
 * else try { await handle(); } finally { wait.release(); }
 * ```
 */
export class Coalescer {
  readonly #groups = new Map<string, Group>();
  readonly #timeout: number;

  constructor(timeout: number) {
    this.#timeout = timeout;
  }

  /** The number of keys being filled. */
  get size(): number {
    return this.#groups.size;
  }

  /**
   * Joins the group for `key`: a promise to wait on when one leads already, else a new
   * {@link Group} that the caller leads and must release.
   */
  join(key: string): Promise<void> | Group {
    const running = this.#groups.get(key);
    if (running !== undefined) return running.done;
    let resolve!: () => void;
    const done = new Promise<void>((r) => {
      resolve = r;
    });
    let timer: NodeJS.Timeout | undefined;
    const group: Group = {
      key,
      done,
      release: () => {
        if (this.#groups.get(key) === group) this.#groups.delete(key);
        if (timer !== undefined) clearTimeout(timer);
        timer = undefined;
        resolve();
      },
    };
    timer = setTimeout(group.release, this.#timeout);
    // A stuck handler must not keep the process alive.
    timer.unref();
    this.#groups.set(key, group);
    return group;
  }
}
