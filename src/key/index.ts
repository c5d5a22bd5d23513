export { KEY_FORMAT, MAX_DEPTH } from './encode.js';
export { CHUNK_BYTES, LARGE_BYTES } from './encode-binary.js';
export {
  canonicalKey,
  describeMemoryKey,
  hashKey,
  memoryKey,
  memoryKeyOf,
  ready,
} from './hash-key.js';
