/**
 * The decoder's readers for the rarer values with no module of their own: RegExp, boxed
 * primitives and strings stored as UTF-16 code units (those with lone surrogates, which UTF-8
 * cannot carry). Written by `write-other.ts` (RegExp, boxed) and `write-string.ts` (UTF-16).
 *
 * ```text
 * 0xa3  source string, flags string
 * 0xa6  the primitive value
 * 0x93  varint n, n UTF-16 code units (u16 LE)
 * ```
 */
import { KeepsakeError } from '../errors.js';
import { corrupt } from './corrupt.js';
import type { Decoder } from './decoder.js';

/**
 * Reads a RegExp (after the 0xa3 tag). A source or flags the engine rejects is corrupt data.
 *
 * @throws KeepsakeError `ERR_CORRUPT`.
 * @example
 * ```ts
 * case T_REG_EXP: return readRegExp(this);
 * ```
 */
export function readRegExp(d: Decoder): RegExp {
  const source = d.expectString();
  const flags = d.expectString();
  let re: RegExp;
  try {
    re = new RegExp(source, flags);
  } catch (cause) {
    throw new KeepsakeError('ERR_CORRUPT', 'corrupt keepsake payload: invalid RegExp', { cause });
  }
  d.remember(re);
  return re;
}

/**
 * Reads a boxed primitive (after the 0xa6 tag): `new Number(1)`, `Object(1n)`, ...
 *
 * @throws KeepsakeError `ERR_CORRUPT` when what is inside is not a primitive.
 * @example
 * ```ts
 * case T_BOXED: return readBoxed(this);
 * ```
 */
export function readBoxed(d: Decoder): object {
  const inner = d.value();
  if (
    inner === null ||
    inner === undefined ||
    typeof inner === 'object' ||
    typeof inner === 'function'
  ) {
    throw corrupt('a boxed value that is not a primitive');
  }
  const boxed = Object(inner) as object;
  d.remember(boxed);
  return boxed;
}

/**
 * Reads a string stored as UTF-16 code units (after the 0x93 tag).
 *
 * @throws KeepsakeError `ERR_CORRUPT` when the units run past the end.
 * @example
 * ```ts
 * case T_UTF16: return readUtf16(this); // '\ud800' survives, where UTF-8 would not keep it
 * ```
 */
export function readUtf16(d: Decoder): string {
  const units = d.varint();
  d.need(units * 2);
  let s = '';
  for (let i = 0; i < units; i++) {
    s += String.fromCharCode(d.view.getUint16(d.pos, true));
    d.pos += 2;
  }
  return s;
}
