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
import type { Encoder } from './encoder.js';
import { T_STR8, T_STR16, T_STR32, T_UTF16 } from './format.js';

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
  if (!s.isWellFormed()) {
    // UTF-8 cannot carry lone surrogates: keep the code units as they are.
    e.byte(T_UTF16);
    e.varint(s.length);
    e.ensure(s.length * 2);
    for (let i = 0; i < s.length; i++) {
      e.view.setUint16(e.pos, s.charCodeAt(i), true);
      e.pos += 2;
    }
    return;
  }
  const max = s.length * 3;
  const lenBytes = max < 0x100 ? 1 : max < 0x10000 ? 2 : 4;
  e.ensure(1 + lenBytes + max);
  const at = e.pos;
  const written = e.buf.write(s, at + 1 + lenBytes, 'utf8');
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
  e.pos = at + 1 + lenBytes + written;
}
