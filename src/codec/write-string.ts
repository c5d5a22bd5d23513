/**
 * The encoder's general string writer: any length, any content. `Encoder.string` writes the
 * common case (under 32 ASCII characters) itself and hands everything else here.
 *
 * ```text
 * 0x90 str8 / 0x91 str16 / 0x92 str32   byte length as u8 / u16 / u32 LE, then UTF-8
 * 0x93 utf16                            varint code units, then 2 bytes each LE
 * ```
 *
 * The length field is sized for the worst case (3 UTF-8 bytes per UTF-16 unit) so the text is
 * encoded once, straight into the slab, and its real length written in front afterwards.
 */
import { Buffer } from 'node:buffer';
import type { Encoder } from './encoder.js';
import { T_STR8, T_STR16, T_STR32, T_UTF16 } from './format.js';

/** U+FFFD in UTF-8: what a lone surrogate becomes when written as UTF-8. */
const REPLACEMENT = Buffer.from([0xef, 0xbf, 0xbd]);
/** From this many code units on, a string is written before it is checked for lone surrogates. */
const SCAN_AFTER = 256;

/**
 * Writes `s` as UTF-8 with a byte-length prefix, or as UTF-16 code units when it holds a lone
 * surrogate (which UTF-8 cannot carry).
 *
 * @example
 * ```ts
 * writeString(encoder, 'Straße'); // 0x90 0x07 then the 7 UTF-8 bytes
 * ```
 */
export function writeString(e: Encoder, s: string): void {
  // isWellFormed scans the whole string (~0.8 ms per MB here, as long as the UTF-8 write
  // itself). A long string is written first instead: UTF-8 writing turns a lone surrogate into
  // U+FFFD, so only output that holds one (EF BF BD) needs the scan.
  const long = s.length >= SCAN_AFTER;
  if (!long && !s.isWellFormed()) return writeUtf16(e, s);
  const max = s.length * 3;
  const lenBytes = max < 0x100 ? 1 : max < 0x10000 ? 2 : 4;
  e.ensure(1 + lenBytes + max);
  const at = e.pos;
  const text = at + 1 + lenBytes;
  const written = e.buf.write(s, text, 'utf8');
  if (
    long &&
    e.buf.subarray(text, text + written).indexOf(REPLACEMENT) !== -1 &&
    !s.isWellFormed()
  ) {
    return writeUtf16(e, s);
  }
  if (lenBytes === 1) {
    e.buf[at] = T_STR8;
    e.buf[at + 1] = written;
  } else if (lenBytes === 2) {
    e.buf[at] = T_STR16;
    e.view.setUint16(at + 1, written, true);
  } else {
    e.buf[at] = T_STR32;
    e.view.setUint32(at + 1, written, true);
  }
  e.pos = text + written;
}

/** UTF-8 cannot carry lone surrogates: such a string keeps its code units as they are. */
function writeUtf16(e: Encoder, s: string): void {
  e.byte(T_UTF16);
  e.varint(s.length);
  e.ensure(s.length * 2);
  for (let i = 0; i < s.length; i++) {
    e.view.setUint16(e.pos, s.charCodeAt(i), true);
    e.pos += 2;
  }
}
