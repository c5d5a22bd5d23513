import { encodeParts, enter, leave } from './encode.js';
import { digestFrom, fingerprintFrom, hex16, w } from './writer.js';

/**
 * The stable 128-bit fingerprint of `parts`, as 32 lowercase hex characters (safe in file
 * names and Redis keys). Equal values give equal keys in every process, Node version and
 * machine: plain-object key order and Map/Set insertion order are ignored, array order is not,
 * and `1`, `'1'`, `1n` and `true` all differ. See `encode.ts` for the exact encoding.
 *
 * Synchronous and ready at import: no `await ready()` needed first.
 *
 * @throws KeepsakeError `ERR_UNSERIALIZABLE` for an unregistered function or class instance, a
 * Symbol, a WeakMap, a Promise ...; the message names the path (`$.users[3].onClick`).
 * `ERR_TOO_DEEP` past 2,000 nested containers.
 *
 * @example
 * ```ts
 * import { hashKey } from 'keepsake';
 * hashKey({ a: 1, b: [2, 3] }) === hashKey({ b: [2, 3], a: 1 }); // true
 * hashKey('report', 2024, new Date('2024-01-01')); // '5c0d...' (32 hex chars)
 * ```
 */
export function hashKey(...parts: unknown[]): string {
  const start = w.pos;
  const saved = enter();
  try {
    encodeParts(parts);
    return hex16(digestFrom(start));
  } finally {
    w.pos = start;
    leave(saved);
  }
}

/**
 * A canonical key for an in-process `Map`, cheaper than {@link hashKey} for primitives: they
 * skip encoding and hashing (`'n:1'`, `'s5:hello'`). Any object among the parts makes it
 * `'h:' + hashKey(...parts)`. Unbounded length (it holds the strings themselves): for an
 * in-process map only, never for disk or Redis.
 * Distinct from `hashKey` output by its prefix, so the two never collide in one map.
 *
 * @example
 * ```ts
 * import { canonicalKey } from 'keepsake';
 * const memo = new Map<string, unknown>();
 * memo.set(canonicalKey(42, 'x'), result);     // 'n:42|s1:x'
 * memo.get(canonicalKey({ id: 1 }));           // 'h:…' via hashKey
 * ```
 */
export function canonicalKey(...parts: unknown[]): string {
  if (parts.length === 1) return primitiveKey(parts[0]) ?? `h:${hashKey(...parts)}`;
  let out = '';
  for (let i = 0; i < parts.length; i++) {
    const k = primitiveKey(parts[i]);
    if (k === undefined) return `h:${hashKey(...parts)}`;
    out = i === 0 ? k : `${out}|${k}`;
  }
  return out;
}

/**
 * An in-process key for any parts, for memoize's memory tier: the 128-bit fingerprint of their
 * canonical encoding (the same bytes and hash as {@link hashKey}) as a 10-character string
 * starting with NUL and `#`. Deterministic per value, so equal values meet; cheaper than
 * `hashKey` (no hex) and cheap for a `Map` to hash; never for disk or Redis (not file-safe).
 *
 * @example
 * ```ts
 * memoryKey({ id: 1, tags: ['a'] }) === memoryKey({ tags: ['a'], id: 1 }); // true
 * ```
 */
export function memoryKey(...parts: unknown[]): string {
  return memoryKeyOf(parts);
}

/**
 * {@link memoryKey} of `parts` as given: an `arguments` object needs no copy.
 *
 * @example
 * ```ts
 * function cachedKey() { return memoryKeyOf(arguments); }
 * ```
 */
export function memoryKeyOf(parts: ArrayLike<unknown>): string {
  const start = w.pos;
  const saved = enter();
  try {
    encodeParts(parts);
    return fingerprintFrom(start);
  } finally {
    w.pos = start;
    leave(saved);
  }
}

/**
 * The 32 hex characters of a {@link memoryKey}'s fingerprint, in memory order: the same string
 * {@link hashKey} gives for the same parts. For display (`keyOf`).
 *
 * @example
 * ```ts
 * describeMemoryKey(memoryKey({ a: 1 })) === hashKey({ a: 1 }); // true
 * ```
 */
export function describeMemoryKey(key: string): string {
  // The units were read through a native-order 16-bit view: writing them back the same way
  // restores the digest's bytes.
  const units = new Uint16Array(key.length - 2);
  for (let i = 2; i < key.length; i++) units[i - 2] = key.charCodeAt(i);
  return Buffer.from(units.buffer).toString('hex');
}

function primitiveKey(v: unknown): string | undefined {
  switch (typeof v) {
    case 'number':
      return v === 0 && 1 / v < 0 ? 'n:-0' : `n:${v}`;
    case 'string':
      // The length makes the concatenation of parts unambiguous whatever the string holds.
      return `s${v.length}:${v}`;
    case 'boolean':
      return v ? 't' : 'f';
    case 'undefined':
      return 'u';
    case 'bigint':
      return `b:${v}`;
    case 'object':
      return v === null ? 'z' : undefined;
    default:
      return undefined;
  }
}

/**
 * Resolves once hashing is initialised. Importing keepsake already waits for it, so this is
 * only for callers who want an explicit warm-up; idempotent, always the same settled promise.
 *
 * @example
 * ```ts
 * import { ready, hashKey } from 'keepsake';
 * await ready();
 * hashKey('warm');
 * ```
 */
export function ready(): Promise<void> {
  return READY;
}

const READY: Promise<void> = Promise.resolve();
