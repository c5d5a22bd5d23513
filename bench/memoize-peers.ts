/**
 * The memoizers `bench/memoize.ts` puts beside keepsake, each configured for value equality
 * where it supports it, and bounded to hold every key of the 1,000-key pattern.
 *
 * ```text
 *   shape            (a) number, (b) string       (c) object, (d) 3 args with an array
 *   moize            maxSize                      + isDeepEqual            (+ isPromise)
 *   memoizee         primitive: true, max         normalizer JSON.stringify (+ promise: true)
 *   micro-memoize    maxSize                      + isKeyItemEqual 'deep'  (+ async: true)
 *   fast-memoize     defaults (JSON.stringify of non-primitive arguments; unbounded)
 *   p-memoize        default cacheKey (arg 0)     cacheKey JSON.stringify   async only
 *   async-cache-dedupe  ttl 1 h, memory size; its default key (safe-stable-stringify); async,
 *                    one argument only, so not for (d)
 * ```
 *
 * JSON keys are order-sensitive (`{a, b}` and `{b, a}` miss each other) where keepsake's are
 * not; the bench's objects always list their keys in the same order, so the peers still hit.
 */
import { createRequire } from 'node:module';
import { createCache } from 'async-cache-dedupe';
import fastMemoizeImport from 'fast-memoize';
import { memoize as microMemoize } from 'micro-memoize';
import moizeImport from 'moize';
import pMemoize from 'p-memoize';
import { memoize } from '../src/index.js';

// biome-ignore lint/suspicious/noExplicitAny: memoizers wrap functions of any signature
export type Fn = (...args: any[]) => any;

/** The argument shapes of issue 4. */
export type Shape = 'a' | 'b' | 'c' | 'd';

/** One memoizer under test. */
export interface Candidate {
  name: string;
  /** How it was configured, for the report. */
  config: string;
  /** Wraps `fn` (a fresh one per candidate, so its calls can be counted). */
  make(fn: Fn): Fn;
}

/**
 * moize and fast-memoize are CommonJS with `export default` typings, which `nodenext` reads
 * as `{ default }`; at run time the import is the function itself. Accept either.
 */
function interop<T>(m: T | { default: T }): T {
  return typeof m === 'function' ? (m as T) : (m as { default: T }).default;
}
const moize = interop(moizeImport as unknown as typeof moizeImport.default);
const fastMemoize = interop(fastMemoizeImport as unknown as typeof fastMemoizeImport.default);

// memoizee ships no types.
type Memoizee = (fn: Fn, options: Record<string, unknown>) => Fn;
const memoizee = createRequire(import.meta.url)('memoizee') as Memoizee;

/** Room for the 1,000 keys with margin; no peer may evict during the timed loop. */
const MAX = 2048;

const isValueShape = (shape: Shape) => shape === 'c' || shape === 'd';

/** keepsake's memoize with its defaults (memory tier of 10,000 entries). */
export const keepsake: Candidate = {
  name: 'keepsake',
  config: 'memoize(fn) (defaults: memory tier, max 10,000)',
  make: (fn) => memoize(fn),
};

/** Peers for a synchronous function of the given shape. */
export function syncPeers(shape: Shape): Candidate[] {
  const deep = isValueShape(shape);
  return [
    {
      name: 'moize',
      config: deep ? `{ isDeepEqual: true, maxSize: ${MAX} }` : `{ maxSize: ${MAX} }`,
      make: (fn) => moize(fn, deep ? { isDeepEqual: true, maxSize: MAX } : { maxSize: MAX }),
    },
    {
      name: 'memoizee',
      config: deep
        ? `{ normalizer: (args) => JSON.stringify(args), max: ${MAX} }`
        : `{ primitive: true, max: ${MAX} }`,
      make: (fn) =>
        memoizee(
          fn,
          deep
            ? { normalizer: (args: IArguments) => JSON.stringify(args), max: MAX }
            : { primitive: true, max: MAX },
        ),
    },
    {
      name: 'micro-memoize',
      config: deep ? `{ isKeyItemEqual: 'deep', maxSize: ${MAX} }` : `{ maxSize: ${MAX} }`,
      make: (fn) =>
        microMemoize(fn, deep ? { isKeyItemEqual: 'deep', maxSize: MAX } : { maxSize: MAX }),
    },
    {
      name: 'fast-memoize',
      config: 'defaults (JSON.stringify serializer, unbounded)',
      make: (fn) => fastMemoize(fn),
    },
  ];
}

/** Peers for an async function of the given shape. */
export function asyncPeers(shape: Shape): Candidate[] {
  const deep = isValueShape(shape);
  const peers: Candidate[] = [
    {
      name: 'p-memoize',
      config: deep
        ? '{ cacheKey: (args) => JSON.stringify(args) } (cache: Map)'
        : 'defaults (cacheKey: args[0], cache: Map)',
      make: (fn) =>
        deep ? pMemoize(fn, { cacheKey: (args) => JSON.stringify(args) }) : pMemoize(fn),
    },
    {
      name: 'moize',
      config: deep
        ? `{ isPromise: true, isDeepEqual: true, maxSize: ${MAX} }`
        : `{ isPromise: true, maxSize: ${MAX} }`,
      make: (fn) =>
        moize(
          fn,
          deep
            ? { isPromise: true, isDeepEqual: true, maxSize: MAX }
            : { isPromise: true, maxSize: MAX },
        ),
    },
    {
      name: 'memoizee',
      config: deep
        ? `{ promise: true, normalizer: (args) => JSON.stringify(args), max: ${MAX} }`
        : `{ promise: true, primitive: true, max: ${MAX} }`,
      make: (fn) =>
        memoizee(
          fn,
          deep
            ? {
                promise: true,
                normalizer: (args: IArguments) => JSON.stringify(args),
                max: MAX,
              }
            : { promise: true, primitive: true, max: MAX },
        ),
    },
    {
      name: 'micro-memoize',
      config: deep
        ? `{ async: true, isKeyItemEqual: 'deep', maxSize: ${MAX} }`
        : `{ async: true, maxSize: ${MAX} }`,
      make: (fn) =>
        microMemoize(
          fn,
          deep
            ? { async: true, isKeyItemEqual: 'deep', maxSize: MAX }
            : { async: true, maxSize: MAX },
        ),
    },
    {
      name: 'fast-memoize',
      config: 'defaults (caches the promise)',
      make: (fn) => fastMemoize(fn),
    },
  ];
  if (shape !== 'd') {
    peers.push({
      name: 'async-cache-dedupe',
      config: `createCache({ ttl: 3600 /* s */, storage: memory size ${MAX} }).define(), default key (safe-stable-stringify)`,
      make: (fn) => {
        const cache = createCache({
          ttl: 3600,
          storage: { type: 'memory', options: { size: MAX } },
        }).define('f', fn);
        // define() installs a bound method: `cache.f(arg)`.
        return (cache as unknown as { f: Fn }).f;
      },
    });
  }
  return peers;
}
