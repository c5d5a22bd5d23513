import { registerClass } from '../codec/registry.js';

/**
 * How a memoized call ended, when a plain value cannot say it: an async result (so a hit in a
 * new process still returns a promise), or a failure kept by `cacheRejections`. Plain sync
 * results are stored as they are. Registered with the codec so it survives disk and Redis.
 */
const SETTLED: unique symbol = Symbol('keepsake.settled');

export class Outcome {
  /** The promise every hit on an async value returns: one allocation per entry, not per hit.
   * Symbol-keyed, so the codec (own string keys) never stores it. */
  [SETTLED]: Promise<unknown> | undefined;

  constructor(
    /** 1: an async function's value; 2: its rejection; 3: a sync function's throw. */
    readonly kind: 1 | 2 | 3,
    readonly value: unknown,
  ) {}
}
registerClass(Outcome, { name: 'keepsake.Outcome' });

/** The stored form of a value, as the caller must see it: the value, a promise, or a throw. */
export function deliver(stored: unknown): unknown {
  if (!(stored instanceof Outcome)) return stored;
  if (stored.kind === 1) {
    stored[SETTLED] ??= Promise.resolve(stored.value);
    return stored[SETTLED];
  }
  if (stored.kind === 2) return Promise.reject(stored.value);
  throw stored.value;
}

/** The stored form of a value inside a promise chain: its value, or a throw. */
export function settle(stored: unknown): unknown {
  if (!(stored instanceof Outcome)) return stored;
  if (stored.kind === 1) return stored.value;
  throw stored.value;
}

/** The value a `peek` shows: failures are not values. */
export function peekValue(stored: unknown): unknown {
  if (!(stored instanceof Outcome)) return stored;
  return stored.kind === 1 ? stored.value : undefined;
}
