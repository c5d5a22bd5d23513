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
export type { DefaultCacheDirContext } from './stores/disk/default-cache-dir.js';
export { CACHE_DIR_ENV, defaultCacheDir } from './stores/disk/default-cache-dir.js';
export type { DiskFs } from './stores/disk/disk-fs.js';
export { nodeDiskFs } from './stores/disk/disk-fs.js';
export type { DiskStoreOptions } from './stores/disk-store.js';
export { DiskStore, diskStore } from './stores/disk-store.js';
export type { GenerationalStoreOptions } from './stores/generational-store.js';
export { GenerationalStore, generationalStore } from './stores/generational-store.js';
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
export { entryDeadline, isPastDeadline, isSyncStore, isThenable } from './stores/store.js';
