export type {
  CacheLockOptions,
  CacheOptions,
  CacheStats,
  SetOptions,
  TierStats,
  WrapOptions,
} from './cache.js';
export { Cache, createCache } from './cache.js';
export type { Clock } from './clock.js';
export * from './codec/index.js';
export type { KeepsakeErrorCode, KeepsakeErrorOptions } from './errors.js';
export { isKeepsakeError, KeepsakeError } from './errors.js';
export type { ChannelName } from './events.js';
export { channels } from './events.js';
export { canonicalKey, hashKey, ready } from './key/index.js';
export type { AnyFunction, MemoizeDecorator, Memoized, MemoizeOptions } from './memoize.js';
export { memoize } from './memoize.js';
export type {
  EachOptions,
  Pipeline,
  PipelineOptions,
  StepOptions,
  StepStatus,
} from './pipeline.js';
export { pipeline } from './pipeline.js';
export type { MemoryStoreOptions } from './stores/memory-store.js';
export { MemoryStore, memoryStore } from './stores/memory-store.js';
export type {
  MaybePromise,
  Store,
  StoreEntry,
  StoreEvent,
  StoreKind,
  StoreUsage,
  SyncStore,
} from './stores/store.js';
export { entryDeadline, isPastDeadline, isSyncStore } from './stores/store.js';
