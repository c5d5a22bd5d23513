import xxhash, { type XXHash, type XXHashAPI } from 'xxhash-wasm';

/**
 * The xxhash-wasm instance the codec and the disk store checksum with. Loaded with a top-level
 * await, so it is ready before any keepsake function can be called. The key hasher
 * (`src/key/hasher.ts`) drives the same wasm binary directly for small inputs.
 */
export const hasher: XXHashAPI = await xxhash();

/**
 * Bytes fed to the wasm hasher per step by {@link xxh64} and {@link feed}. xxhash-wasm copies
 * every input into its own memory before hashing it; in steps of this size the copy stays in
 * the core's L2 cache and the hash reads it from there. On an 8 MB input this measured
 * 5.65 GB/s, against 3.35 GB/s for one `h64Raw` over the whole input (which also grows the wasm
 * memory to the input's size for good); 64 KiB steps 5.2 GB/s, 1 MiB steps 5.4 GB/s.
 */
export const HASH_STEP = 256 * 1024;

/**
 * The xxh64 (seed 0) of `bytes`: the same digest as `hasher.h64Raw(bytes)`, faster on inputs
 * larger than a few hundred kilobytes.
 *
 * @example
 * ```ts
 * xxh64(new Uint8Array([1, 2, 3])) === hasher.h64Raw(new Uint8Array([1, 2, 3])); // true
 * ```
 */
export function xxh64(bytes: Uint8Array): bigint {
  if (bytes.byteLength <= HASH_STEP) return hasher.h64Raw(bytes);
  const state = hasher.create64();
  feed(state, bytes, 0, bytes.byteLength);
  return state.digest();
}

/**
 * Feeds `bytes[from, to)` to a streaming xxh64 in {@link HASH_STEP} steps (nothing when empty).
 *
 * @example
 * ```ts
 * const state = hasher.create64();
 * feed(state, chunk, 0, chunk.byteLength); // as each chunk of a file is read
 * state.digest();
 * ```
 */
export function feed(state: XXHash<bigint>, bytes: Uint8Array, from: number, to: number): void {
  for (let at = from; at < to; at += HASH_STEP) {
    state.update(bytes.subarray(at, Math.min(at + HASH_STEP, to)));
  }
}
