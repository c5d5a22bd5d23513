/**
 * Best-effort work in the disk store: upkeep that rides along with an operation (unlinking a
 * replaced blob, recording reads, an expiry batch) must never fail that operation.
 */

/**
 * Runs `fn` and swallows whatever it throws: for upkeep whose failure is harmless (a later
 * sweep redoes it), never for the operation itself.
 *
 * @example
 * ```ts
 * safely(() => blobs.removeSync(replaced)); // an orphan sweep removes it if this fails
 * ```
 */
export function safely(fn: () => void): void {
  try {
    fn();
  } catch {}
}
