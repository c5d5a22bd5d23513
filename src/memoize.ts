import { type Cache, type CacheStats, createCache, type WrapOptions } from './cache.js';
import { KeepsakeError } from './errors.js';
import { channels } from './events.js';
import { memoryKeyOf } from './key/index.js';
import { type MemoizeDecorator, memoizeDecorator } from './memoize/decorator.js';
import { functionIdentity } from './memoize/identity.js';
import { compositeKey, describeKey, keyedThis, sharedKey, singleKey } from './memoize/keys.js';
import { checkMemoizeOptions, type MemoizeOptions } from './memoize/options.js';
import { deliver, Outcome, peekValue, settle } from './memoize/outcome.js';
import { resolveTiers } from './memoize/tiers.js';
import { GenerationalStore } from './stores/generational-store.js';
import { MemoryStore } from './stores/memory-store.js';
import { isThenable, type StoreEntry } from './stores/store.js';
import { TwoGenerations } from './two-generations.js';

// A module-local copy: V8 reads an imported binding through its module cell on every use.
const hitChannel = channels.hit;

export type { MemoizeDecorator } from './memoize/decorator.js';
export type { MemoizeOptions } from './memoize/options.js';

/**
 * Any function: memoize keeps its exact type.
 *
 * @example
 * ```ts
 * function cached<F extends AnyFunction>(fn: F): Memoized<F> {
 *   return memoize(fn, { ttl: 60_000, disk: true });
 * }
 * ```
 */
// biome-ignore lint/suspicious/noExplicitAny: the wrapped function may take and return anything
export type AnyFunction = (...args: any[]) => any;

/**
 * A memoized function: the same call signature, plus tools to inspect its cache.
 *
 * @example
 * ```ts
 * const getUser = memoize(async (id: string) => db.users.find(id));
 * await getUser('42');
 * getUser.peek('42'); // the cached user, without a query
 * await getUser.invalidate('42'); // the next call queries again
 * ```
 */
export type Memoized<F extends AnyFunction> = F & {
  /** The key this call uses (readable for memory-only caches, a hash for shared tiers). */
  keyOf(...args: Parameters<F>): string;
  /** The cached result of this call, without computing; `undefined` when not cached. */
  peek(...args: Parameters<F>): Awaited<ReturnType<F>> | undefined;
  /** Drops the cached result of this call from every tier. */
  invalidate(...args: Parameters<F>): Promise<void>;
  /** Drops every cached result of this function. */
  clear(): Promise<void>;
  /** Hits, misses and per-tier counters of this function's cache. */
  stats(): CacheStats;
};

/** Shared keys remembered per memoized function (two generations of half this). */
const SHARED_KEYS_MAX = 10_000;

/** Marks a compute that turned out to return a promise inside the sync path. */
const PENDING: unique symbol = Symbol('keepsake.pending');

/**
 * Wraps a function so each distinct call computes once: arguments are hashed (value
 * semantics), looked up in memory, then in the disk or shared tiers, then computed, with
 * concurrent calls sharing one computation. Sync functions stay sync; async ones stay async.
 * Used without a function, it is a decorator for class methods (TC39 and legacy
 * `experimentalDecorators`), where `this` is part of the key.
 *
 * @throws KeepsakeError `ERR_OPTIONS` at wrap time for bad options.
 * @example
 * ```ts
 * import { memoize } from 'keepsake';
 *
 * const fib = memoize((n: number): number => (n < 2 ? n : fib(n - 1) + fib(n - 2)));
 * fib(90); // instant, and fib stays (n: number) => number
 *
 * const loadUser = memoize(async (id: string) => db.users.find(id), { ttl: 60_000 });
 * await Promise.all([loadUser('a'), loadUser('a')]); // one query
 *
 * class Reports {
 *   @memoize({ ttl: 5_000 })
 *   build(year: number) { return expensive(year); }
 * }
 * ```
 */
export function memoize<F extends AnyFunction>(fn: F, options?: MemoizeOptions): Memoized<F>;
export function memoize(options?: MemoizeOptions): MemoizeDecorator;
export function memoize<F extends AnyFunction>(
  fnOrOptions?: F | MemoizeOptions,
  options?: MemoizeOptions,
): Memoized<F> | MemoizeDecorator {
  if (typeof fnOrOptions === 'function') return wrap(fnOrOptions, options);
  checkMemoizeOptions(fnOrOptions);
  const decoratorOptions = fnOrOptions ?? {};
  return memoizeDecorator((method, name) =>
    wrap(method, { ...decoratorOptions, name: decoratorOptions.name ?? name }),
  );
}

function wrap<F extends AnyFunction>(fn: F, options: MemoizeOptions = {}): Memoized<F> {
  checkMemoizeOptions(options);
  const { tiers, lock } = resolveTiers(options);
  // Events name the function, so a metrics subscriber can tell memoized functions apart.
  const label = options.name ?? (fn.name || 'memoize');
  const cache: Cache = createCache({
    tiers,
    lock,
    name: label,
    ...(options.now === undefined ? {} : { now: options.now }),
    ...(options.staleWhileRevalidate === undefined
      ? {}
      : { staleWhileRevalidate: options.staleWhileRevalidate }),
  });
  // Shared tiers need keys that mean the same in every process: a hash of the function's
  // identity and the arguments. A memory-only cache keys on the arguments themselves.
  const shared = tiers.some((t) => t.kind === 'bytes');
  const identity = shared ? functionIdentity(fn, options) : '';
  const keyFn = options.key;
  // A sync value tier in front that honours deadlines itself: read inline on the hot path.
  const first = tiers[0];
  const front =
    first instanceof MemoryStore || first instanceof GenerationalStore ? first : undefined;
  const gen = first instanceof GenerationalStore ? first : undefined;
  const single = !shared && keyFn === undefined;
  const wrapOptions = wrapOptionsFor(options);
  const syncWrapOptions: WrapOptions<unknown> = {
    ...wrapOptions,
    shouldCache: (v) => v !== PENDING && wrapOptions.shouldCache!(v),
  };
  let asyncMode = fn.constructor?.name === 'AsyncFunction';
  const keepsRejections =
    options.cacheRejections !== undefined && options.cacheRejections !== false;
  let hotHits = 0;
  // Hits served here, before the cache sees them, are published like the cache's own.
  // Checked only when someone listens.
  const publishHit = (key: unknown) => hitChannel.publish({ cache: label, tier: front!.name, key });

  // Shared keys are a 128-bit hash of the identity and the arguments, in hex (~0.5 µs): each
  // is remembered by the memory key of the same arguments, which is cheap (a primitive is its
  // own) and determines it, so a memory hit does not hash again. Not for a keyed `this`: the
  // shared key reads its fields, which may have changed since.
  const sharedKeys = shared ? new TwoGenerations<unknown, string>(SHARED_KEYS_MAX) : undefined;
  const remembered = (local: unknown, derive: () => string): string => {
    let key = sharedKeys!.get(local);
    if (key === undefined) {
      key = derive();
      sharedKeys!.set(local, key);
    }
    return key;
  };

  const keyFor = (self: unknown, args: ArrayLike<unknown>): unknown => {
    if (keyFn !== undefined) {
      const k = keyFn.apply(self, Array.from(args));
      if (!shared) return singleKey(k);
      return remembered(singleKey(k), () => sharedKey(identity, undefined, [k]));
    }
    const keyed = keyedThis(self);
    if (shared) {
      if (keyed) return sharedKey(identity, self, args);
      const local = args.length === 1 ? singleKey(args[0]) : compositeKey(undefined, args);
      return remembered(local, () => sharedKey(identity, undefined, args));
    }
    if (args.length === 1 && !keyed) return singleKey(args[0]);
    return compositeKey(self, args);
  };

  const miss = (self: unknown, args: ArrayLike<unknown>, key: string): unknown => {
    const call = () => fn.apply(self, args as unknown[]);
    const asyncCompute = (started?: unknown) => () =>
      Promise.resolve(started === undefined ? call() : started).then(
        (value) => new Outcome(1, value),
        (error: unknown) => {
          if (options.cacheRejections) return new Outcome(2, error);
          throw error;
        },
      );
    if (asyncMode) return cache.wrap(key, asyncCompute(), wrapOptions).then(settle);
    if (!cache.sync) return missWithAsyncTiers(self, key, call, asyncCompute);
    let started: unknown;
    const stored = cache.wrapSync(
      key,
      () => {
        let result: unknown;
        try {
          result = call();
        } catch (error) {
          if (options.cacheRejections) return new Outcome(3, error);
          throw error;
        }
        if (!isThenable(result)) return result;
        started = result;
        return PENDING;
      },
      syncWrapOptions,
    );
    if (stored === PENDING) {
      asyncMode = true;
      return cache.wrap(key, asyncCompute(started), wrapOptions).then(settle);
    }
    return deliver(stored);
  };

  // A cache with an async tier (Redis): a sync function reads the sync tiers only and writes
  // every tier in the background; a promise-returning one goes through wrap.
  const missWithAsyncTiers = (
    _self: unknown,
    key: string,
    call: () => unknown,
    asyncCompute: (started?: unknown) => () => Promise<Outcome>,
  ): unknown => {
    const near = cache.peek(key);
    if (near !== undefined) return deliver(near);
    // Stored as wrap would store it (the same ttl and shouldCache, rejections included), in the
    // background: the caller has its answer already.
    const storeLater = (stored: unknown) => {
      if (!wrapOptions.shouldCache!(stored)) return;
      const ttl = (wrapOptions.ttl as (v: unknown) => number)(stored);
      cache.set(key, stored, { ttl }).catch(() => {});
    };
    let result: unknown;
    try {
      result = call();
    } catch (error) {
      if (options.cacheRejections) storeLater(new Outcome(3, error));
      throw error;
    }
    if (isThenable(result)) {
      asyncMode = true;
      return cache.wrap(key, asyncCompute(result), wrapOptions).then(settle);
    }
    storeLater(result);
    return result;
  };

  // Every call that is not a primitive-argument hit on a fresh entry of the generational
  // tier's young generation. `arguments` rather than rest parameters, so the hot path below can pass
  // them on through `apply` without V8 building an array.
  const call: (this: unknown, ...args: unknown[]) => unknown = function (this: unknown) {
    let key: unknown;
    // biome-ignore lint/complexity/noArguments: see above
    const args = arguments;
    if (single && args.length === 1 && this === undefined) {
      const a = args[0];
      key = typeof a === 'object' && a !== null ? memoryKeyOf(args) : singleKey(a);
    } else key = keyFor(this, args);
    if (front !== undefined) {
      const entry = front.get(key as string);
      if (entry !== undefined && entry.staleUntil === undefined) {
        hotHits++;
        if (hitChannel.hasSubscribers) publishHit(key);
        const value = entry.value;
        return typeof value === 'object' && value !== null ? deliver(value) : value;
      }
    }
    return miss(this, args, key as string);
  };

  // The hot path, small enough for V8 to inline into the caller: one number or string
  // argument (its own memory key) found fresh in the generational tier.
  const memoized = function (this: unknown, a: unknown) {
    // biome-ignore lint/complexity/noArguments: the count, without building an array
    if (gen !== undefined && single && this === undefined && arguments.length === 1) {
      // One lookup per argument type: every memoized function shares this code and its type
      // feedback, and a lookup that has seen numbers and strings hashes either the slow way.
      let entry: StoreEntry | undefined;
      if (typeof a === 'number') {
        if (a !== 0) entry = gen.young.get(a as unknown as string);
      } else if (typeof a === 'string' && a.charCodeAt(0) !== 0) entry = gen.young.get(a);
      if (
        entry !== undefined &&
        (entry.expiresAt === undefined ? entry.staleUntil === undefined : gen.isFresh(entry))
      ) {
        hotHits++;
        if (hitChannel.hasSubscribers) publishHit(a);
        // Only an async or cacheRejections function stores Outcomes: the others' values are
        // returned untouched (reading a string's type would cost a memory load per hit).
        if (!asyncMode && !keepsRejections) return entry.value;
        const value = entry.value;
        return typeof value === 'object' && value !== null ? deliver(value) : value;
      }
    }
    // biome-ignore lint/complexity/noArguments: forwarded without building an array
    return call.apply(this, arguments as unknown as unknown[]);
  } as unknown as Memoized<F>;

  // `fib.keyOf(1)` is called on the memoized function itself, which is not a receiver to key.
  const receiver = (self: unknown) => (self === memoized ? undefined : self);
  Object.defineProperty(memoized, 'name', { value: fn.name, configurable: true });
  Object.defineProperty(memoized, 'length', { value: fn.length, configurable: true });
  Object.defineProperties(memoized, {
    keyOf: {
      value: function keyOf(this: unknown, ...args: unknown[]) {
        const key = keyFor(receiver(this), args);
        return shared ? (key as string) : describeKey(key);
      },
    },
    peek: {
      value: function peek(this: unknown, ...args: unknown[]) {
        return peekValue(cache.peek(keyFor(receiver(this), args) as string));
      },
    },
    invalidate: {
      value: async function invalidate(this: unknown, ...args: unknown[]) {
        await cache.delete(keyFor(receiver(this), args) as string);
      },
    },
    clear: { value: () => cache.clear() },
    stats: {
      value: (): CacheStats => {
        const stats = cache.stats();
        stats.hits += hotHits;
        if (stats.tiers[0] !== undefined) stats.tiers[0].hits += hotHits;
        return stats;
      },
    },
  });
  return memoized;
}

/** The cache's wrap options for this function: TTL and shouldCache see the user's value, and
 * cached failures get the `cacheRejections` TTL. */
function wrapOptionsFor(options: MemoizeOptions): WrapOptions<unknown> {
  const { ttl, shouldCache, cacheRejections } = options;
  const rejectionTtl = cacheRejections ? cacheRejections.ttl : 0;
  const userValue = (v: unknown) => (v instanceof Outcome ? v.value : v);
  return {
    ttl: (v: unknown) => {
      if (v instanceof Outcome && v.kind !== 1) return rejectionTtl;
      const t = typeof ttl === 'function' ? ttl(userValue(v)) : ttl;
      if (t === undefined) return Number.POSITIVE_INFINITY;
      if (typeof t !== 'number' || !(t >= 0)) {
        throw new KeepsakeError('ERR_OPTIONS', `memoize: ttl() returned ${String(t)}`, {
          hint: 'return a number of milliseconds >= 0',
        });
      }
      return t;
    },
    shouldCache: (v: unknown) => {
      if (v instanceof Outcome && v.kind !== 1) return true;
      return shouldCache === undefined || shouldCache(userValue(v));
    },
  };
}
