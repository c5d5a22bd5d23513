/**
 * The encoder's writer for the rest of an array after its first hole (a missing index, as in
 * `[1, , 3]` or `new Array(5)`). Holes are kept, not turned into `undefined`:
 *
 * ```text
 * 0x84       one missing element
 * 0x85 n     n missing elements (varint), so a huge empty stretch costs a few bytes
 * ```
 */
import type { Encoder } from './encoder.js';
import { T_HOLE, T_HOLES } from './format.js';

/**
 * Writes `a[from..]`, where `a[from]` is a hole. From the first hole on it walks only the
 * indices that exist: a length-1e9 array with two elements costs two steps, not a billion.
 * Own integer keys come in ascending order.
 *
 * @example
 * ```ts
 * writeSparseRest(encoder, [1, , , 4], 1); // 0x85 0x02, then 4
 * ```
 */
export function writeSparseRest(e: Encoder, a: unknown[], from: number): void {
  let next = from;
  for (const key of Object.keys(a)) {
    const index = Number(key);
    if (!(index >= next) || String(index) !== key || index >= a.length) continue;
    holes(e, index - next);
    e.value(a[index]);
    next = index + 1;
  }
  holes(e, a.length - next);
}

function holes(e: Encoder, count: number): void {
  if (count === 1) e.byte(T_HOLE);
  else if (count > 1) {
    e.byte(T_HOLES);
    e.varint(count);
  }
}
