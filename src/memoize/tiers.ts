import { diskStore } from '../stores/disk-store.js';
import { generationalStore } from '../stores/generational-store.js';
import { memoryStore } from '../stores/memory-store.js';
import type { Store } from '../stores/store.js';
import type { MemoizeOptions } from './options.js';

/** The memory tier's default entry bound when `memory` gives none. */
const DEFAULT_MEMORY_MAX = 10_000;

/**
 * The tiers a memoized function uses: `tiers` as given, or a memory tier (unless
 * `memory: false`) above a disk tier (when `disk` is set).
 *
 * @example
 * ```ts
 * resolveTiers({ disk: { maxBytes: 2 ** 30, lock: true } }); // memory + disk, with leases
 * ```
 */
export function resolveTiers(options: MemoizeOptions): {
  tiers: Store[];
  lock: boolean;
} {
  if (options.tiers !== undefined) return { tiers: options.tiers, lock: false };
  const tiers: Store[] = [];
  if (options.memory !== false) {
    const { max, maxBytes } = options.memory ?? {};
    const now = options.now === undefined ? {} : { now: options.now };
    // Without a byte bound, the tier whose hit is one Map.get; lru-cache when bytes count.
    if (maxBytes === undefined) {
      tiers.push(generationalStore({ ...now, max: max ?? DEFAULT_MEMORY_MAX }));
    } else {
      tiers.push(memoryStore({ ...now, maxBytes, ...(max === undefined ? {} : { max }) }));
    }
  }
  const disk = options.disk;
  if (disk) {
    const { dir, maxBytes, lock } = disk === true ? {} : disk;
    tiers.push(
      diskStore({
        ...(options.now === undefined ? {} : { now: options.now }),
        ...(dir === undefined ? {} : { dir }),
        ...(maxBytes === undefined ? {} : { maxBytes }),
      }),
    );
    return { tiers, lock: lock === true };
  }
  return { tiers, lock: false };
}
