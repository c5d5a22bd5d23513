export * from './codec/index.js';
export type { KeepsakeErrorCode, KeepsakeErrorOptions } from './errors.js';
export { isKeepsakeError, KeepsakeError } from './errors.js';
export type { ChannelName } from './events.js';
export { channels } from './events.js';
export { canonicalKey, hashKey, ready } from './key/index.js';
