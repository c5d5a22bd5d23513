import xxhash, { type XXHashAPI } from 'xxhash-wasm';

/**
 * The xxhash-wasm instance the codec checksums with (`h64Raw`: one seed, any input). Loaded
 * with a top-level await, so it is ready before any keepsake function can be called. The key
 * hasher (`src/key/hasher.ts`) drives the same wasm binary directly for small inputs.
 */
export const hasher: XXHashAPI = await xxhash();
