import type { Store, StoreEntry, SyncStore } from '../../src/stores/store.js';

/** A clock for TTL tests: time moves only when the test says so. */
export function manualClock(start = 1_000_000) {
  let t = start;
  return {
    now: () => t,
    advance(ms: number) {
      t += ms;
    },
  };
}

export { deferred } from '../helpers/deferred.js';

/** A user-written sync byte store over a Map, recording the bytes it is given. No tag index. */
export class MapByteStore implements SyncStore {
  readonly kind = 'bytes';
  readonly sync = true;
  readonly written: Uint8Array[] = [];
  readonly map = new Map<string, StoreEntry>();
  readonly name: string;
  #now: () => number;

  constructor(name = 'bytes', now: () => number = Date.now) {
    this.name = name;
    this.#now = now;
  }
  get(key: string): StoreEntry | undefined {
    const entry = this.map.get(key);
    const deadline = entry && (entry.staleUntil ?? entry.expiresAt);
    if (deadline !== undefined && deadline <= this.#now()) {
      this.map.delete(key);
      return undefined;
    }
    return entry;
  }
  set(key: string, entry: StoreEntry): void {
    this.written.push(entry.value as Uint8Array);
    this.map.set(key, entry);
  }
  delete(key: string): boolean {
    return this.map.delete(key);
  }
  clear(prefix?: string): void {
    for (const key of [...this.map.keys()]) {
      if (prefix === undefined || key.startsWith(prefix)) this.map.delete(key);
    }
  }
}

/** The same over promises, like a networked store; with leases for `lock: true`. */
export class AsyncByteStore implements Store {
  readonly kind = 'bytes';
  readonly sync = false;
  readonly inner: MapByteStore;
  readonly leases = new Map<string, { token: string; until: number }>();
  readonly name: string;
  reads = 0;
  #now: () => number;
  #next = 0;

  constructor(name = 'remote', now: () => number = Date.now) {
    this.name = name;
    this.#now = now;
    this.inner = new MapByteStore(name, now);
  }
  async get(key: string): Promise<StoreEntry | undefined> {
    this.reads++;
    await tick();
    return this.inner.get(key);
  }
  async set(key: string, entry: StoreEntry): Promise<void> {
    await tick();
    this.inner.set(key, entry);
  }
  async delete(key: string): Promise<boolean> {
    await tick();
    return this.inner.delete(key);
  }
  async clear(prefix?: string): Promise<void> {
    this.inner.clear(prefix);
  }
  async acquire(key: string, ttl: number): Promise<string | undefined> {
    await tick();
    const held = this.leases.get(key);
    if (held !== undefined && held.until > this.#now()) return undefined;
    const token = `t${++this.#next}`;
    this.leases.set(key, { token, until: this.#now() + ttl });
    return token;
  }
  async release(key: string, token: string): Promise<void> {
    if (this.leases.get(key)?.token === token) this.leases.delete(key);
  }
}

/** A store whose every method throws (disk full, permission denied...). */
export class ThrowingStore implements Store {
  readonly name = 'broken';
  readonly kind = 'bytes';
  readonly sync: boolean;
  constructor(sync = false) {
    this.sync = sync;
  }
  get(): never {
    throw new Error('EACCES: permission denied');
  }
  set(): never {
    throw new Error('ENOSPC: no space left on device');
  }
  delete(): never {
    throw new Error('EACCES: permission denied');
  }
  clear(): never {
    throw new Error('EACCES: permission denied');
  }
}

/** An async store that never answers (a dead Redis with an unbounded queue). */
export class HangingStore implements Store {
  readonly name = 'hanging';
  readonly kind = 'bytes';
  readonly sync = false;
  calls = 0;
  get(): Promise<never> {
    return this.#hang();
  }
  set(): Promise<never> {
    return this.#hang();
  }
  delete(): Promise<never> {
    return this.#hang();
  }
  clear(): Promise<never> {
    return this.#hang();
  }
  #hang(): Promise<never> {
    this.calls++;
    return new Promise(() => {});
  }
}

function tick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
