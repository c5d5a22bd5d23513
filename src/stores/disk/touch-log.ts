/**
 * The disk store's pending LRU reads: a read is noted here and written to the index later, in
 * the next write's commit or in a batch of its own, instead of costing a commit per read.
 */
import type { IndexHandle } from './index-handle.js';
import { safely } from './safely.js';

/**
 * LRU resolution, ms: a read is recorded only when the entry's last recorded use is older than
 * this. Recording a read rewrites index pages (random writes across a B-tree); at one minute,
 * a hot entry costs one small write a minute, and eviction order is exact to the minute.
 */
const TOUCH_RESOLUTION = 60_000;
/** Pending reads that trigger a commit of their own. */
const TOUCH_BATCH = 512;

/**
 * Reads waiting to be recorded (database key -> read time, epoch ms), at most one per key.
 *
 * @example
 * ```ts
 * const touches = new TouchLog(index);
 * touches.record(dbKey('k'), view.usedAt, Date.now());
 * db.put(k, record, view, null, now, limits, touches.take()); // recorded with this commit
 * ```
 */
export class TouchLog {
  readonly #index: IndexHandle;
  #pending = new Map<string, number>();

  constructor(index: IndexHandle) {
    this.#index = index;
  }

  /** Notes a read of `k` at `now` unless its recorded use `usedAt` is recent enough. */
  record(k: string, usedAt: number, now: number): void {
    if (now - usedAt < TOUCH_RESOLUTION || this.#pending.has(k)) return;
    this.#pending.set(k, now);
    if (this.#pending.size >= TOUCH_BATCH) safely(() => this.flush());
  }

  /** Hands the pending reads over (to a commit that records them) and starts a new batch. */
  take(): Map<string, number> {
    const touches = this.#pending;
    this.#pending = new Map();
    return touches;
  }

  /** Records the pending reads in one commit of their own; nothing while the index is not open. */
  flush(): void {
    const db = this.#index.current;
    if (this.#pending.size === 0 || db === undefined) return;
    db.touch(this.take());
  }
}
