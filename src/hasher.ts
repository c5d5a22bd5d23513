import xxhash, { type XXHashAPI } from 'xxhash-wasm';

/**
 * The one xxhash-wasm instance of the process. WebAssembly compiles asynchronously, so it is
 * loaded with a top-level await: by the time any keepsake module can be called, hashing is
 * ready, and a memoized sync function's first call needs nobody to await anything.
 */
export const hasher: XXHashAPI = await xxhash();

/**
 * Resolves once hashing is initialised. Importing keepsake already waits for it, so this is
 * always resolved; it exists for callers who want to warm up explicitly. Idempotent.
 *
 * @example
 * ```ts
 * import { ready, hashKey } from 'keepsake';
 * await ready();
 * hashKey('user', 42);
 * ```
 */
export function ready(): Promise<void> {
  return Promise.resolve();
}
