/**
 * The decoder's one error for bytes that cannot be a keepsake payload, shared by every
 * `read-*` module so the code, message prefix and hint stay the same everywhere.
 */
import { KeepsakeError } from '../errors.js';

/**
 * An `ERR_CORRUPT` error saying what was wrong with the payload.
 *
 * @example
 * ```ts
 * if (n > d.end - d.pos) throw corrupt('a length runs past the end');
 * ```
 */
export function corrupt(what: string): KeepsakeError {
  return new KeepsakeError('ERR_CORRUPT', `corrupt keepsake payload: ${what}`, {
    hint: 'the bytes were damaged or are not a keepsake value; recompute or restore them',
  });
}
