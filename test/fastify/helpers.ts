import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import keepsakeFastify, { type KeepsakeFastifyOptions } from '../../plugins/fastify/index.js';
import { memoryStore, type StoreEntry, type SyncStore } from '../../src/index.js';

/** A clock for freshness tests: time moves only when the test says so. */
export function manualClock(start = 1_700_000_000_000) {
  let t = start;
  return {
    now: () => t,
    advance(ms: number) {
      t += ms;
    },
  };
}

export { deferred } from '../helpers/deferred.js';

/** A Fastify app with keepsake registered; routes are added by the caller. Closed by `using`. */
export async function appWith(
  options: KeepsakeFastifyOptions = {},
  fastify: FastifyServerOptions = {},
): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, ...fastify });
  await app.register(keepsakeFastify, options);
  return app;
}

/** Lets queued microtasks and I/O callbacks run (no timing assumptions: just a few turns). */
export async function settle(turns = 5): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((r) => setImmediate(r));
}

/** A memory store that records every key written: to check what keys contain. */
export function recordingStore() {
  const inner = memoryStore();
  const keys: string[] = [];
  const store: SyncStore = {
    name: 'recording',
    kind: 'value',
    sync: true,
    get: (key) => inner.get(key),
    set: (key, entry: StoreEntry) => {
      keys.push(key);
      inner.set(key, entry);
    },
    delete: (key) => inner.delete(key),
    clear: (prefix) => inner.clear(prefix),
    invalidateTags: (tags) => inner.invalidateTags(tags),
  };
  return { store, keys, inner };
}
