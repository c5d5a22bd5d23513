import type { Clock } from '../clock.js';
import { KeepsakeError } from '../errors.js';
import type { Store } from '../stores/store.js';

/**
 * Options of {@link memoize}. Every time is in milliseconds.
 *
 * @example
 * ```ts
 * memoize(loadReport, { ttl: 60_000, staleWhileRevalidate: 10_000, disk: true, version: 2 });
 * ```
 */
export interface MemoizeOptions {
  /** Stable identity across processes: names the function's entries in shared tiers.
   * @default the function's name plus a fingerprint of its code */
  name?: string;
  /** Bump to invalidate everything stored for this function. @default none */
  version?: string | number;
  /** What to hash instead of all arguments (`this` is then not part of the key either).
   * Called with the call's `this` and arguments. @default all arguments, and `this` */
  // biome-ignore lint/suspicious/noExplicitAny: the key function sees the wrapped function's arguments
  key?: (...args: any[]) => unknown;
  /** Functions whose code also counts when checking for code changes. @default [] */
  dependsOn?: Function[];
  /** How long a result stays fresh, or a function of the result. @default forever (bounded by
   * the tiers' size limits) */
  // biome-ignore lint/suspicious/noExplicitAny: a function of the wrapped function's result
  ttl?: number | ((value: any) => number);
  /** How long after `ttl` a stale result is still returned while one refresh runs. @default 0 */
  staleWhileRevalidate?: number;
  /** Whether to store a result; results it rejects are returned but recomputed next time.
   * @default every result */
  // biome-ignore lint/suspicious/noExplicitAny: a predicate on the wrapped function's result
  shouldCache?: (value: any) => boolean;
  /** The memory tier's bounds, or `false` for none. @default { max: 10_000 } */
  memory?: false | { max?: number; maxBytes?: number };
  /** Persist results in the disk tier (`true` for the default folder). @default false */
  disk?: boolean | { dir?: string; maxBytes?: number; lock?: boolean };
  /** Full control: these tiers instead of `memory` and `disk`. */
  tiers?: Store[];
  /** Cache a rejection (or a throw) for `ttl` ms, so a failing call is not retried at once.
   * @default false */
  cacheRejections?: false | { ttl: number };
  /** The clock TTLs are measured with, epoch ms: inject one in tests instead of sleeping.
   * @default Date.now */
  now?: Clock;
}

const KNOWN = new Set([
  'name',
  'version',
  'key',
  'dependsOn',
  'ttl',
  'staleWhileRevalidate',
  'shouldCache',
  'memory',
  'disk',
  'tiers',
  'cacheRejections',
  'now',
]);

function fail(message: string, hint: string): never {
  throw new KeepsakeError('ERR_OPTIONS', `memoize: ${message}`, { hint });
}

function checkBound(where: string, value: unknown): void {
  if (value !== undefined && (!Number.isSafeInteger(value) || (value as number) <= 0)) {
    fail(`\`${where}\` must be a positive integer`, `got ${String(value)}`);
  }
}

/** Checks options when the function is wrapped (or decorated), never at the first call. */
export function checkMemoizeOptions(options: unknown): asserts options is MemoizeOptions {
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    fail('options must be an object', 'e.g. memoize(fn, { ttl: 60_000 })');
  }
  const o = options as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!KNOWN.has(key)) {
      fail(`unknown option \`${key}\``, `the options are ${[...KNOWN].join(', ')}`);
    }
  }
  if (o.name !== undefined && (typeof o.name !== 'string' || o.name === '')) {
    fail('`name` must be a non-empty string', "e.g. name: 'reports.build'");
  }
  if (o.version !== undefined && typeof o.version !== 'string' && typeof o.version !== 'number') {
    fail('`version` must be a string or a number', 'e.g. version: 2');
  }
  for (const fnOption of ['key', 'shouldCache'] as const) {
    if (o[fnOption] !== undefined && typeof o[fnOption] !== 'function') {
      fail(`\`${fnOption}\` must be a function`, `got ${typeof o[fnOption]}`);
    }
  }
  if (
    o.dependsOn !== undefined &&
    (!Array.isArray(o.dependsOn) || o.dependsOn.some((f) => typeof f !== 'function'))
  ) {
    fail('`dependsOn` must be an array of functions', 'e.g. dependsOn: [parseRow, scoreRow]');
  }
  const ttl = o.ttl;
  if (ttl !== undefined && typeof ttl !== 'function' && (typeof ttl !== 'number' || !(ttl > 0))) {
    fail('`ttl` must be a number of milliseconds > 0 or a function', `got ${String(ttl)}`);
  }
  const swr = o.staleWhileRevalidate;
  if (swr !== undefined && (typeof swr !== 'number' || !(swr >= 0) || swr === Infinity)) {
    fail(
      '`staleWhileRevalidate` must be a finite number of milliseconds >= 0',
      `got ${String(swr)}`,
    );
  }
  if (o.memory !== undefined && o.memory !== false) {
    if (typeof o.memory !== 'object' || o.memory === null) {
      fail('`memory` must be false or { max, maxBytes }', 'e.g. memory: { max: 1_000 }');
    }
    const m = o.memory as Record<string, unknown>;
    checkBound('memory.max', m.max);
    checkBound('memory.maxBytes', m.maxBytes);
  }
  if (o.disk !== undefined && typeof o.disk !== 'boolean') {
    if (typeof o.disk !== 'object' || o.disk === null) {
      fail('`disk` must be a boolean or { dir, maxBytes, lock }', 'e.g. disk: true');
    }
    const d = o.disk as Record<string, unknown>;
    if (d.dir !== undefined && typeof d.dir !== 'string') fail('`disk.dir` must be a string', '');
    checkBound('disk.maxBytes', d.maxBytes);
    if (d.lock !== undefined && typeof d.lock !== 'boolean') {
      fail('`disk.lock` must be a boolean', 'e.g. disk: { lock: true }');
    }
  }
  if (o.tiers !== undefined) {
    if (!Array.isArray(o.tiers) || o.tiers.length === 0) {
      fail('`tiers` must be a non-empty array of stores', 'or use `memory` and `disk`');
    }
    if (o.memory !== undefined || o.disk !== undefined) {
      fail('`tiers` replaces `memory` and `disk`: give one or the other', 'drop `memory`/`disk`');
    }
  }
  if (o.memory === false && !o.disk && o.tiers === undefined) {
    fail('`memory: false` without `disk` or `tiers` leaves nowhere to cache', 'add disk: true');
  }
  if (o.now !== undefined && typeof o.now !== 'function') {
    fail('`now` must be a function returning epoch ms', 'e.g. now: () => Date.now()');
  }
  const rejections = o.cacheRejections;
  if (rejections !== undefined && rejections !== false) {
    const t = (rejections as { ttl?: unknown } | null)?.ttl;
    if (typeof t !== 'number' || !(t > 0) || t === Infinity) {
      fail(
        '`cacheRejections` must be false or { ttl } with a finite ttl > 0',
        'e.g. { ttl: 5_000 }',
      );
    }
  }
}
