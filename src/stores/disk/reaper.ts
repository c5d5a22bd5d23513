/**
 * What follows an entry's removal from the index, once that removal has committed: its blob
 * file is unlinked, and watchers hear about evictions (capacity, expiry).
 */
import type { StoreEvent } from '../store.js';
import type { BlobFiles } from './blob-files.js';
import type { Removed } from './index-rows.js';
import { safely } from './safely.js';

/**
 * Unlinks the blobs of removed entries and tells the store's watchers about evictions. Call it
 * only after the commit that removed them: until then the old record, and its file, is what
 * readers see.
 *
 * @example
 * ```ts
 * const reaper = new Reaper(blobs);
 * const stop = reaper.watch((event) => console.log(event));
 * reaper.reap(db.expire(Date.now()), 'expire');
 * ```
 */
export class Reaper {
  readonly #blobs: BlobFiles;
  #listeners: Array<(event: StoreEvent) => void> = [];

  constructor(blobs: BlobFiles) {
    this.#blobs = blobs;
  }

  /** Adds a listener for evictions; returns its removal. */
  watch(listener: (event: StoreEvent) => void): () => void {
    this.#listeners.push(listener);
    return () => {
      this.#listeners = this.#listeners.filter((l) => l !== listener);
    };
  }

  /** Drops every listener (the store closes). */
  unwatchAll(): void {
    this.#listeners = [];
  }

  /** Unlinks the blobs of `removed`; with a `reason`, each is reported as an eviction. */
  reap(removed: readonly Removed[], reason?: 'capacity' | 'expire'): void {
    for (const r of removed) {
      if (r.file !== null) this.removeBlob(r.file);
      if (reason !== undefined && this.#listeners.length > 0) {
        const event: StoreEvent = { type: 'evict', key: r.key, reason };
        for (const listener of this.#listeners) listener(event);
      }
    }
  }

  /** Unlinks one blob, best effort: a file left behind is an orphan that a sweep removes. */
  removeBlob(name: string): void {
    safely(() => this.#blobs.removeSync(name));
  }
}
