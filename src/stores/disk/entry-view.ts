import { KeepsakeError } from '../../errors.js';
import type { StoreEntry } from '../store.js';
import type { RecordView } from './entry-record.js';

/**
 * Whether the entry's deadline (`staleUntil ?? expiresAt`) is at or before `now`.
 *
 * @example
 * ```ts
 * if (isDead(view, Date.now())) return undefined;
 * ```
 */
export function isDead(view: RecordView, now: number): boolean {
  const deadline = view.staleUntil ?? view.expiresAt;
  return deadline !== null && deadline <= now;
}

/**
 * The {@link StoreEntry} a record describes, with its value bytes.
 *
 * @example
 * ```ts
 * return toEntry(view, raw.subarray(view.bodyAt));
 * ```
 */
export function toEntry(view: RecordView, value: Uint8Array): StoreEntry {
  return {
    value,
    createdAt: view.createdAt,
    expiresAt: view.expiresAt ?? undefined,
    staleUntil: view.staleUntil ?? undefined,
    tags: view.tagsJson === null ? undefined : (JSON.parse(view.tagsJson) as string[]),
    size: view.size,
  };
}

/**
 * The entry's value as bytes, or ERR_STORE: a disk store holds codec bytes only.
 *
 * @example
 * ```ts
 * const value = checkBytes('disk', entry); // Uint8Array
 * ```
 */
export function checkBytes(name: string, entry: StoreEntry): Uint8Array {
  if (entry.value instanceof Uint8Array) return entry.value;
  throw new KeepsakeError('ERR_STORE', `store "${name}" holds bytes, got ${typeof entry.value}`, {
    hint: "a 'bytes' store takes codec bytes: let the cache encode, or pass serialize(value)",
  });
}

/**
 * The error of a store used after `close()`.
 *
 * @example
 * ```ts
 * if (this.#closed) throw closedError();
 * ```
 */
export function closedError(): KeepsakeError {
  return new KeepsakeError('ERR_CLOSED', 'diskStore used after close()', {
    hint: 'create a new store, or close it only when done',
  });
}
