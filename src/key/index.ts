export { CHUNK_BYTES, KEY_FORMAT, LARGE_BYTES, MAX_DEPTH } from './encode.js';
export {
  canonicalKey,
  describeMemoryKey,
  hashKey,
  memoryKey,
  memoryKeyOf,
  ready,
} from './hash-key.js';
