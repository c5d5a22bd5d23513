// Knowledge of the v1 envelope (as src/codec/envelope.ts writes it) used to build hostile inputs
// that pass the checksum, so the payload decoder itself gets fuzzed:
//   0 magic cb 4b 53 4b | 4 checksum u64 LE = xxh64(seed 0) of bytes 12..end |
//   12 format(1) | 13 flags(1): bits 0-2 compression, bit 3 no back-references | 14 header check u16 LE = Fletcher-16 of bytes 12, 13, 16..19 |
//   16 payload length u32 LE | 20 payload
import xxhash from 'xxhash-wasm';

export const HEADER = 20;
/** Flags bit 3: the payload holds no back-reference (0xb8). */
export const FLAG_NO_REFS = 0x08;
const api = await xxhash();

/** A valid envelope around `payload` (uncompressed unless `flags` says otherwise). */
export function seal(payload: Uint8Array, flags = 0, format = 1): Uint8Array {
  const out = new Uint8Array(HEADER + payload.length);
  out.set([0xcb, 0x4b, 0x53, 0x4b]);
  out.set([format, flags, 0, 0], 12);
  const dv = new DataView(out.buffer);
  dv.setUint32(16, payload.length, true);
  dv.setUint16(14, headerCheck(out), true);
  out.set(payload, HEADER);
  dv.setBigUint64(4, api.h64Raw(out.subarray(12)), true);
  return out;
}

/** Fletcher-16 of format, flags and length: what the reader checks before the checksum. */
export function headerCheck(blob: Uint8Array): number {
  let a = 0;
  let b = 0;
  for (const i of [12, 13, 16, 17, 18, 19]) {
    a = (a + blob[i]!) % 255;
    b = (b + a) % 255;
  }
  return (b << 8) | a;
}

/** The stored payload of a blob. */
export function payloadOf(blob: Uint8Array): Uint8Array {
  return blob.subarray(HEADER);
}

/** unsigned LEB128 */
export function varint(n: number | bigint): number[] {
  let v = BigInt(n);
  const out: number[] = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    out.push(byte);
  } while (v > 0n);
  return out;
}
