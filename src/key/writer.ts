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
 * Speed: the views live in one object, `w`, rather than in module `let`s (measured ~10x slower
 * per byte: a module `let` is a context slot re-read and hole-checked on every access). The hot
 * path of the encoder keeps the position in a local and passes it along (`strAt`, `varintAt`,
 * `f64At` take and return it); `w.pos` is where the rest of the writers, and any nested
 * encoding started from user code, write. The writers do NOT check bounds: whoever writes calls
 * {@link reserve} / {@link room} once for the worst case of the whole value (a tag, a varint, a
 * float), not once per byte.
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
  /** The same memory as 16-bit units, for fingerprint strings. */
  u16: new Uint16Array(hasher.buffer, 0, hasher.buffer.byteLength >> 1),
};

const NAN_BITS_HI = 0x7ff80000;
const wellFormed = (String.prototype as { isWellFormed?: () => boolean }).isWellFormed;
const utf8 = new TextEncoder();

/** Makes room for `n` more bytes after `w.pos`. */
export function reserve(n: number): void {
  if (w.pos + n > w.buf.length) grow(w.pos + n);
}

/**
 * Makes room for `n` bytes at `pos`, for the encoder's positional writers (which keep the
 * position in a local and return the next one). Growing replaces `w.buf`: re-read it after.
 */
export function room(pos: number, n: number): void {
  if (pos + n > w.buf.length) grow(pos + n);
}

function grow(need: number): void {
  hasher.grow(Math.max(need, w.buf.length * 2));
  w.buf = new Uint8Array(hasher.buffer);
  w.view = new DataView(hasher.buffer);
  w.node = Buffer.from(hasher.buffer);
  w.u16 = new Uint16Array(hasher.buffer, 0, hasher.buffer.byteLength >> 1);
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
  w.pos = varintAt(n, w.pos);
}

/** {@link varint} at `pos`; returns the position after it. Unchecked: {@link VARINT_MAX}. */
export function varintAt(n: number, pos: number): number {
  const buf = w.buf;
  while (n >= 0x80) {
    buf[pos++] = (n % 0x80) | 0x80;
    n = Math.floor(n / 0x80);
  }
  buf[pos++] = n;
  return pos;
}

/**
 * Writes a float64 little-endian; every NaN as the one canonical quiet NaN; -0 kept.
 * Unchecked: 8 bytes.
 */
export function f64(n: number): void {
  w.pos = f64At(n, w.pos);
}

/** {@link f64} at `pos`; returns the position after it. Unchecked: 8 bytes. */
export function f64At(n: number, pos: number): number {
  if (Number.isNaN(n)) {
    w.view.setUint32(pos, 0, true);
    w.view.setUint32(pos + 4, NAN_BITS_HI, true);
  } else {
    w.view.setFloat64(pos, n, true);
  }
  return pos + 8;
}

/** Writes `bytes` verbatim. Checked. */
export function raw(bytes: Uint8Array): void {
  reserve(bytes.byteLength);
  w.buf.set(bytes, w.pos);
  w.pos += bytes.byteLength;
}

/** Writes a string as varint(UTF-16 length) + WTF-8. Checked (reserves its own worst case). */
export function str(s: string): void {
  w.pos = strAt(s, w.pos);
}

/** {@link str} at `pos`; returns the position after it. Checked. */
export function strAt(s: string, pos: number): number {
  const n = s.length;
  room(pos, n * 3 + VARINT_MAX);
  if (n >= 0x80) pos = varintAt(n, pos);
  const buf = w.buf;
  if (n < 0x80) buf[pos++] = n;
  let i = 0;
  // ASCII fast path: most keys and short values never leave this loop.
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) break;
    buf[pos++] = c;
  }
  if (i < n) pos = wtf8(s, i, buf, pos);
  return pos;
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

/**
 * Hashes `buf[start, pos)` and returns the 16-byte digest as a string of NUL, `#` and eight
 * UTF-16 units: a process-local Map key. Short, so a Map hashes it in a few steps where the
 * bytes themselves or 32 hex characters would cost one step per character.
 */
export function fingerprintFrom(start: number): string {
  const end = w.pos;
  // 8-byte aligned, so the 16-bit view can read it.
  const out = (end + 7) & ~7;
  reserve(out - end + 16);
  hasher.hash128(start, end - start, out);
  const u = w.u16;
  const i = out >> 1;
  return String.fromCharCode(
    0,
    0x23,
    u[i]!,
    u[i + 1]!,
    u[i + 2]!,
    u[i + 3]!,
    u[i + 4]!,
    u[i + 5]!,
    u[i + 6]!,
    u[i + 7]!,
  );
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
