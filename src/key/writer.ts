/**
 * The scratch buffer the canonical encoder writes into: the hasher's own memory, so hashing
 * needs no copy. Primitive writers for the key format (see encode.ts for the layout).
 *
 * - varint: unsigned LEB128, 7 bits per byte, low bits first.
 * - f64: IEEE-754 binary64, little-endian (DataView with `littleEndian = true`, so the byte
 *   order never depends on the platform).
 * - str: varint(UTF-16 length) then WTF-8 bytes: UTF-8, except that a lone surrogate is
 *   written as its own 3-byte sequence instead of U+FFFD, so `'\uD800'` and `'\uFFFD'` differ.
 *
 * Speed: the write position and views live in one object, `w`, rather than in module `let`s
 * (measured ~10x slower per byte: a module `let` is a context slot re-read and hole-checked on
 * every access). The writers below do NOT check bounds: whoever writes calls {@link reserve}
 * once for the worst case of the whole value (a tag, a varint, a float), not once per byte.
 * A missed reserve would not throw (typed arrays drop out-of-range writes), so every writer
 * states its worst case next to it.
 */
import { hasher } from './hasher.js';

/** Worst-case bytes of a varint up to 2^53. */
export const VARINT_MAX = 8;

/** The writer's state: where it writes next, and views of the hasher's current memory. */
export const w = {
  pos: 0,
  buf: new Uint8Array(hasher.buffer),
  view: new DataView(hasher.buffer),
  /** The same memory as a Buffer, for its native hex encoder. */
  node: Buffer.from(hasher.buffer),
};

const NAN_BITS_HI = 0x7ff80000;
const wellFormed = (String.prototype as { isWellFormed?: () => boolean }).isWellFormed;
const utf8 = new TextEncoder();

/** Makes room for `n` more bytes after `w.pos`. */
export function reserve(n: number): void {
  if (w.pos + n > w.buf.length) grow(w.pos + n);
}

function grow(need: number): void {
  hasher.grow(Math.max(need, w.buf.length * 2));
  w.buf = new Uint8Array(hasher.buffer);
  w.view = new DataView(hasher.buffer);
  w.node = Buffer.from(hasher.buffer);
}

/** A copy of the scratch bytes `[start, end)`. */
export function copyOut(start: number, end: number): Uint8Array {
  return w.buf.slice(start, end);
}

/** Writes one byte. Unchecked: 1 byte. */
export function byte(b: number): void {
  w.buf[w.pos++] = b;
}

/** Writes an unsigned integer (up to 2^53) as LEB128. Unchecked: {@link VARINT_MAX} bytes. */
export function varint(n: number): void {
  const buf = w.buf;
  let pos = w.pos;
  while (n >= 0x80) {
    buf[pos++] = (n % 0x80) | 0x80;
    n = Math.floor(n / 0x80);
  }
  buf[pos++] = n;
  w.pos = pos;
}

/**
 * Writes a float64 little-endian; every NaN as the one canonical quiet NaN; -0 kept.
 * Unchecked: 8 bytes.
 */
export function f64(n: number): void {
  const pos = w.pos;
  if (Number.isNaN(n)) {
    w.view.setUint32(pos, 0, true);
    w.view.setUint32(pos + 4, NAN_BITS_HI, true);
  } else {
    w.view.setFloat64(pos, n, true);
  }
  w.pos = pos + 8;
}

/** Writes `bytes` verbatim. Checked. */
export function raw(bytes: Uint8Array): void {
  reserve(bytes.byteLength);
  w.buf.set(bytes, w.pos);
  w.pos += bytes.byteLength;
}

/** Writes a string as varint(UTF-16 length) + WTF-8. Checked (reserves its own worst case). */
export function str(s: string): void {
  const n = s.length;
  reserve(n * 3 + VARINT_MAX);
  if (n >= 0x80) varint(n);
  const buf = w.buf;
  let pos = w.pos;
  if (n < 0x80) buf[pos++] = n;
  let i = 0;
  // ASCII fast path: most keys and short values never leave this loop.
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) break;
    buf[pos++] = c;
  }
  if (i < n) pos = wtf8(s, i, buf, pos);
  w.pos = pos;
}

/** The non-ASCII tail of {@link str}, from UTF-16 index `i`; returns the new position. */
function wtf8(s: string, i: number, buf: Uint8Array, pos: number): number {
  const n = s.length;
  if (n - i > 64 && wellFormed?.call(s)) {
    // Well-formed UTF-16: WTF-8 equals UTF-8, so the native encoder gives the same bytes.
    return pos + utf8.encodeInto(i === 0 ? s : s.slice(i), buf.subarray(pos)).written;
  }
  for (; i < n; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      buf[pos++] = c;
    } else if (c < 0x800) {
      buf[pos++] = 0xc0 | (c >> 6);
      buf[pos++] = 0x80 | (c & 0x3f);
    } else {
      if (c >= 0xd800 && c < 0xdc00 && i + 1 < n) {
        const d = s.charCodeAt(i + 1);
        if (d >= 0xdc00 && d < 0xe000) {
          c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          i++;
          buf[pos++] = 0xf0 | (c >> 18);
          buf[pos++] = 0x80 | ((c >> 12) & 0x3f);
          buf[pos++] = 0x80 | ((c >> 6) & 0x3f);
          buf[pos++] = 0x80 | (c & 0x3f);
          continue;
        }
      }
      buf[pos++] = 0xe0 | (c >> 12);
      buf[pos++] = 0x80 | ((c >> 6) & 0x3f);
      buf[pos++] = 0x80 | (c & 0x3f);
    }
  }
  return pos;
}

/** Hashes `buf[start, pos)` and returns the 16-byte digest's offset (written at `pos`). */
export function digestFrom(start: number): number {
  reserve(16);
  hasher.hash128(start, w.pos - start, w.pos);
  return w.pos;
}

/** Hashes `bytes` (outside the scratch) into 16 digest bytes at `pos`, then advances. */
export function digestExternal(bytes: Uint8Array, staging: number): void {
  // The caller reserved `staging` beyond every digest it will write: copy, hash, advance.
  reserve(staging - w.pos + bytes.byteLength);
  w.buf.set(bytes, staging);
  hasher.hash128(staging, bytes.byteLength, w.pos);
  w.pos += 16;
}

/** The 16 bytes at `at` as 32 lowercase hex characters, in memory order. */
export function hex16(at: number): string {
  // Native hex: measured faster than 16 table concatenations, String.fromCharCode(...32) or
  // BigInt#toString(16); only a 65,536-entry table of 4-char strings beat it (~2 MB of heap,
  // not worth ~25 ns). Calling the undocumented `Buffer#hexSlice` directly gained nothing.
  return w.node.toString('hex', at, at + 16);
}
