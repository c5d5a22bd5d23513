/**
 * The scratch buffer the canonical encoder writes into: the hasher's own memory, so hashing
 * needs no copy. Primitive writers for the key format (see encode.ts for the layout).
 *
 * - varint: unsigned LEB128, 7 bits per byte, low bits first.
 * - f64: IEEE-754 binary64, little-endian (DataView with `littleEndian = true`, so the byte
 *   order never depends on the platform).
 * - str: varint(UTF-16 length) then WTF-8 bytes: UTF-8, except that a lone surrogate is
 *   written as its own 3-byte sequence instead of U+FFFD, so `'\uD800'` and `'\uFFFD'` differ.
 */
import { hasher } from './hasher.js';

// Plain module state, not exported: importers read it through functions. (Exported `let`
// bindings measured ~3x slower in the hot loops.)
let pos = 0;
let buf = new Uint8Array(hasher.buffer);
let view = new DataView(hasher.buffer);
let nodeBuf = Buffer.from(hasher.buffer);

/** Where the encoder writes next. */
export function position(): number {
  return pos;
}

/** A copy of the scratch bytes `[start, end)`. */
export function copyOut(start: number, end: number): Uint8Array {
  return buf.slice(start, end);
}

const NAN_BITS_HI = 0x7ff80000;
const wellFormed = (String.prototype as { isWellFormed?: () => boolean }).isWellFormed;
const utf8 = new TextEncoder();

/** Makes room for `n` more bytes after `pos`. */
export function ensure(n: number): void {
  const need = pos + n;
  if (need <= buf.byteLength) return;
  hasher.grow(Math.max(need, buf.byteLength * 2));
  buf = new Uint8Array(hasher.buffer);
  view = new DataView(hasher.buffer);
  nodeBuf = Buffer.from(hasher.buffer);
}

/** Moves the write position (used to reserve or roll back a region). */
export function seek(to: number): void {
  pos = to;
}

/** Writes one byte. */
export function byte(b: number): void {
  ensure(1);
  buf[pos++] = b;
}

/** Writes an unsigned integer (up to 2^53) as LEB128. */
export function varint(n: number): void {
  ensure(8);
  while (n >= 0x80) {
    buf[pos++] = (n % 0x80) | 0x80;
    n = Math.floor(n / 0x80);
  }
  buf[pos++] = n;
}

/** Writes a float64 little-endian; every NaN as the one canonical quiet NaN; -0 kept. */
export function f64(n: number): void {
  ensure(8);
  if (Number.isNaN(n)) {
    view.setUint32(pos, 0, true);
    view.setUint32(pos + 4, NAN_BITS_HI, true);
  } else {
    view.setFloat64(pos, n, true);
  }
  pos += 8;
}

/** Writes `bytes` verbatim. */
export function raw(bytes: Uint8Array): void {
  ensure(bytes.byteLength);
  buf.set(bytes, pos);
  pos += bytes.byteLength;
}

/** Writes a string as varint(UTF-16 length) + WTF-8. */
export function str(s: string): void {
  const n = s.length;
  ensure(n * 3 + 8);
  if (n < 0x80) buf[pos++] = n;
  else varint(n);
  let i = 0;
  // ASCII fast path: most keys and short values never leave this loop.
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) break;
    buf[pos++] = c;
  }
  if (i === n) return;
  if (n - i > 64 && wellFormed?.call(s)) {
    // Well-formed UTF-16: WTF-8 equals UTF-8, so the native encoder gives the same bytes.
    pos += utf8.encodeInto(i === 0 ? s : s.slice(i), buf.subarray(pos)).written;
    return;
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
}

/** Hashes `buf[start, pos)` and returns the 16-byte digest's offset (written at `pos`). */
export function digestFrom(start: number): number {
  ensure(16);
  hasher.hash128(start, pos - start, pos);
  return pos;
}

/** Hashes `bytes` (outside the scratch) into 16 digest bytes at `pos`, then advances. */
export function digestExternal(bytes: Uint8Array, staging: number): void {
  // The caller reserved `staging` beyond every digest it will write: copy, hash, advance.
  ensure(staging - pos + bytes.byteLength);
  buf.set(bytes, staging);
  hasher.hash128(staging, bytes.byteLength, pos);
  pos += 16;
}

/** The 16 bytes at `at` as 32 lowercase hex characters, in memory order. */
export function hex16(at: number): string {
  // Native hex: measured faster than 16 table concatenations or String.fromCharCode(...32).
  return nodeBuf.toString('hex', at, at + 16);
}
