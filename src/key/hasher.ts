/**
 * The 128-bit hasher under {@link hashKey}: two independent xxh64 hashes (seeds `SEED_LO`,
 * `SEED_HI`) over the same bytes, from xxhash-wasm's own WebAssembly binary.
 *
 * Digest layout, 16 bytes written at `out`:
 *
 * ```
 * out + 0   u64 LE  xxh64(bytes, seed 0x6b656570)   ('keep')
 * out + 8   u64 LE  xxh64(bytes, seed 0x73616b65)   ('sake')
 * ```
 *
 * Why not xxhash-wasm's public API: `h64Raw` copies its input into wasm memory and returns a
 * BigInt, ~100 ns per call before any work is done. Instead the canonical encoder writes
 * straight into the wasm memory and a 60-byte wrapper module (below) calls `xxh64` twice and
 * stores both results, so no BigInt and no copy cross the JS boundary. The binary is read from
 * the installed xxhash-wasm package and compiled synchronously at import, so the first
 * `hashKey` needs no await. Where that file cannot be read (a bundler dropped it), the public
 * API is used instead: same xxh64, same digests, slower.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import xxhash from 'xxhash-wasm';

/** The seeds of the two xxh64 halves. Part of the key format: changing them changes every key. */
export const SEED_LO = 0x6b656570n;
export const SEED_HI = 0x73616b65n;

/** Memory the encoder writes into and the hasher reads from. */
export interface Hasher {
  /** The current backing buffer; replaced (old one detached) by {@link Hasher.grow}. */
  buffer: ArrayBuffer;
  /** Makes `buffer` at least `bytes` long. */
  grow(bytes: number): void;
  /** Writes the 16-byte digest of `buffer[ptr, ptr + len)` at `buffer[out]`. */
  hash128(ptr: number, len: number, out: number): void;
  /** 'wasm-direct' (fast path) or 'xxhash-wasm-api' (fallback), for diagnostics and benches. */
  readonly kind: 'wasm-direct' | 'xxhash-wasm-api';
}

function sleb(n: bigint): number[] {
  const out: number[] = [];
  for (;;) {
    const b = Number(n & 0x7fn);
    n >>= 7n;
    if ((n === 0n && (b & 0x40) === 0) || (n === -1n && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

function str(s: string): number[] {
  return [s.length, ...Array.from(s, (c) => c.charCodeAt(0))];
}

function section(id: number, body: number[]): number[] {
  return [id, body.length, ...body];
}

/**
 * `(module (import "x" "xxh64" (func (param i32 i32 i64) (result i64)))
 *          (import "x" "mem" (memory 0))
 *          (func (export "hash128") (param $ptr i32) (param $len i32) (param $out i32)
 *            (i64.store offset=0 (local.get $out) (call 0 (local.get $ptr) (local.get $len) (i64.const SEED_LO)))
 *            (i64.store offset=8 (local.get $out) (call 0 (local.get $ptr) (local.get $len) (i64.const SEED_HI)))))`
 */
function wrapperModule(): Uint8Array {
  const half = (seed: bigint, offset: number) => [
    0x20,
    2,
    0x20,
    0,
    0x20,
    1,
    0x42,
    ...sleb(seed),
    0x10,
    0,
    0x37,
    3,
    offset,
  ];
  const body = [0, ...half(SEED_LO, 0), ...half(SEED_HI, 8), 0x0b];
  return new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, [2, 0x60, 3, 0x7f, 0x7f, 0x7e, 1, 0x7e, 0x60, 3, 0x7f, 0x7f, 0x7f, 0]),
    ...section(2, [2, ...str('x'), ...str('xxh64'), 0, 0, ...str('x'), ...str('mem'), 2, 0, 0]),
    ...section(3, [1, 1]),
    ...section(7, [1, ...str('hash128'), 0, 1]),
    ...section(10, [1, body.length, ...body]),
  ]);
}

function loadDirect(): Hasher | null {
  try {
    const require = createRequire(import.meta.url);
    const file = join(dirname(require.resolve('xxhash-wasm')), '..', 'workerd', 'xxhash.wasm');
    const xx = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(file)));
    const mem = xx.exports.mem;
    const xxh64 = xx.exports.xxh64;
    if (!(mem instanceof WebAssembly.Memory) || typeof xxh64 !== 'function') return null;
    const wrapper = new WebAssembly.Instance(new WebAssembly.Module(wrapperModule()), {
      x: { xxh64, mem },
    });
    const hash128 = wrapper.exports.hash128 as (ptr: number, len: number, out: number) => void;
    const hasher: Hasher = {
      kind: 'wasm-direct',
      buffer: mem.buffer,
      grow(bytes) {
        const have = mem.buffer.byteLength;
        if (have >= bytes) return;
        mem.grow(Math.ceil((bytes - have) / 65536));
        hasher.buffer = mem.buffer;
      },
      hash128,
    };
    return hasher;
  } catch {
    return null;
  }
}

async function loadApi(): Promise<Hasher> {
  const api = await xxhash();
  let bytes = new Uint8Array(65536);
  let view = new DataView(bytes.buffer);
  const hasher: Hasher = {
    kind: 'xxhash-wasm-api',
    buffer: bytes.buffer,
    grow(size) {
      if (bytes.byteLength >= size) return;
      const next = new Uint8Array(Math.max(size, bytes.byteLength * 2));
      next.set(bytes);
      bytes = next;
      view = new DataView(next.buffer);
      hasher.buffer = next.buffer;
    },
    hash128(ptr, len, out) {
      const data = bytes.subarray(ptr, ptr + len);
      const lo = api.h64Raw(data, SEED_LO);
      const hi = api.h64Raw(data, SEED_HI);
      view.setBigUint64(out, lo, true);
      view.setBigUint64(out + 8, hi, true);
    },
  };
  return hasher;
}

/**
 * The process-wide hasher, ready when this module has loaded. The top-level await only waits
 * in the fallback case; the fast path compiles synchronously.
 */
export const hasher: Hasher = loadDirect() ?? (await loadApi());

/** Builds a fallback hasher on xxhash-wasm's public API (tests check both agree). */
export function apiHasher(): Promise<Hasher> {
  return loadApi();
}
