export { CHUNK_BYTES, KEY_FORMAT, LARGE_BYTES, MAX_DEPTH } from './encode.js';
export { canonicalKey, hashKey, ready } from './hash-key.js';
