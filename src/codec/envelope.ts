import { Buffer } from 'node:buffer';
import zlib from 'node:zlib';
import { KeepsakeError } from '../errors.js';
import { xxh64 } from '../hasher.js';
import {
  COMPRESSION_CODES,
  COMPRESSION_MASK,
  FLAG_NO_REFS,
  FORMAT_VERSION,
  HEADER_SIZE,
  MAGIC,
} from './format.js';
import type { Compression } from './options.js';

const MAX_PAYLOAD = 2 ** 32 - 1;
const COMPRESSION_NAMES = Object.keys(COMPRESSION_CODES) as Compression[];

/** Checks a compression option where it is given, not at first use. */
export function compressionCode(compress: Compression | undefined): number {
  if (compress === undefined) return 0;
  const code = COMPRESSION_CODES[compress];
  if (code === undefined) {
    throw new KeepsakeError('ERR_OPTIONS', `unknown compression "${String(compress)}"`, {
      hint: `use one of ${COMPRESSION_NAMES.map((n) => `'${n}'`).join(', ')}`,
    });
  }
  return code;
}

function compress(code: number, payload: Uint8Array, level: number | undefined): Buffer {
  switch (code) {
    case 1:
      return zlib.gzipSync(payload, level === undefined ? {} : { level });
    case 2:
      return zlib.deflateSync(payload, level === undefined ? {} : { level });
    default:
      return zlib.brotliCompressSync(payload, {
        params: {
          [zlib.constants.BROTLI_PARAM_QUALITY]: level ?? 4,
          [zlib.constants.BROTLI_PARAM_SIZE_HINT]: payload.length,
        },
      });
  }
}

function decompress(code: number, payload: Uint8Array, rawLength: number): Buffer {
  const options = { maxOutputLength: Math.max(rawLength, 1) };
  try {
    switch (code) {
      case 1:
        return zlib.gunzipSync(payload, options);
      case 2:
        return zlib.inflateSync(payload, options);
      default:
        return zlib.brotliDecompressSync(payload, options);
    }
  } catch (cause) {
    throw new KeepsakeError(
      'ERR_CORRUPT',
      'corrupt keepsake blob: the payload does not decompress',
      {
        cause,
        hint: 'the bytes were damaged; recompute or restore them',
      },
    );
  }
}

function varintLength(n: number): number {
  let len = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 0x80);
    len++;
  }
  return len;
}

/**
 * Fills in the header of a blob whose payload was written after HEADER_SIZE bytes of room,
 * compressing the payload first if asked. The room's flags byte carries the encoder's
 * {@link FLAG_NO_REFS}. Returns the finished blob.
 */
export function seal(blob: Buffer, code: number, level: number | undefined): Buffer {
  const flags = code | (blob[13]! & FLAG_NO_REFS);
  if (code !== 0) {
    const raw = blob.subarray(HEADER_SIZE);
    const packed = compress(code, raw, level);
    const prefix = varintLength(raw.length);
    const out = Buffer.allocUnsafe(HEADER_SIZE + prefix + packed.length);
    let p = HEADER_SIZE;
    let n = raw.length;
    while (n >= 0x80) {
      out[p++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    out[p++] = n;
    out.set(packed, p);
    blob = out;
  }
  const length = blob.length - HEADER_SIZE;
  if (length > MAX_PAYLOAD) {
    throw new KeepsakeError('ERR_UNSERIALIZABLE', 'the value encodes to more than 4 GiB', {
      hint: 'split it into several values, e.g. with openRecordWriter',
    });
  }
  blob.set(MAGIC, 0);
  blob[12] = FORMAT_VERSION;
  blob[13] = flags;
  blob.writeUInt32LE(length, 16);
  blob.writeUInt16LE(headerCheck(blob, 0), 14);
  blob.writeBigUInt64LE(xxh64(blob.subarray(12)), 4);
  return blob;
}

/**
 * Fletcher-16 of the header fields a reader trusts before the checksum can be verified
 * (format, flags, length: bytes 12, 13 and 16..19). In a record file it tells a damaged length
 * field, which must be reported, from a record torn by a crash, which may be dropped.
 */
function headerCheck(bytes: Uint8Array, at: number): number {
  let a = 0;
  let b = 0;
  for (const i of [12, 13, 16, 17, 18, 19]) {
    a = (a + bytes[at + i]!) % 255;
    b = (b + a) % 255;
  }
  return (b << 8) | a;
}

/** Where a verified payload lies: in the input itself, or in a decompressed copy. */
export interface Payload {
  bytes: Uint8Array;
  start: number;
  end: number;
  /** The payload may hold back-references: its reader must remember every object it reads. */
  refs: boolean;
}

/** Reads a blob's header (magic, format, length) without checking the checksum. Returns the
 * whole blob's length. `bytes` must hold at least HEADER_SIZE bytes from `at`. */
export function blobLength(bytes: Uint8Array, at: number): number {
  for (let i = 0; i < 4; i++) {
    if (bytes[at + i] !== MAGIC[i]) {
      throw new KeepsakeError('ERR_FORMAT', 'not a keepsake blob (bad magic bytes)', {
        hint: 'pass bytes made by serialize(), dumpFile() or a record writer',
      });
    }
  }
  const format = bytes[at + 12]!;
  if (format > FORMAT_VERSION || format === 0) {
    throw new KeepsakeError(
      'ERR_FORMAT',
      `keepsake format ${format} is not one this version reads (up to ${FORMAT_VERSION})`,
      { hint: 'upgrade keepsake to read values written by a newer version' },
    );
  }
  if ((bytes[at + 14]! | (bytes[at + 15]! << 8)) !== headerCheck(bytes, at)) {
    throw new KeepsakeError('ERR_CORRUPT', 'corrupt keepsake blob: damaged header', {
      hint: 'the bytes were damaged; recompute or restore them',
    });
  }
  const length =
    (bytes[at + 16]! | (bytes[at + 17]! << 8) | (bytes[at + 18]! << 16)) +
    bytes[at + 19]! * 0x1000000;
  return HEADER_SIZE + length;
}

/**
 * Verifies the blob at `bytes[at..at+length)` (checksum, flags) and returns its payload,
 * decompressed if it was compressed.
 */
export function open(bytes: Uint8Array, at: number, length: number): Payload {
  const expected = Buffer.from(bytes.buffer, bytes.byteOffset + at + 4, 8).readBigUInt64LE(0);
  const actual = xxh64(bytes.subarray(at + 12, at + length));
  if (expected !== actual) {
    throw new KeepsakeError('ERR_CORRUPT', 'corrupt keepsake blob: checksum mismatch', {
      hint: 'the bytes were damaged; recompute or restore them',
    });
  }
  const flags = bytes[at + 13]!;
  const code = flags & COMPRESSION_MASK;
  if (code >= COMPRESSION_NAMES.length || (flags & ~(COMPRESSION_MASK | FLAG_NO_REFS)) !== 0) {
    throw new KeepsakeError('ERR_FORMAT', `unknown keepsake flags 0x${flags.toString(16)}`, {
      hint: 'upgrade keepsake to read values written by a newer version',
    });
  }
  const refs = (flags & FLAG_NO_REFS) === 0;
  if (code === 0) return { bytes, start: at + HEADER_SIZE, end: at + length, refs };
  let p = at + HEADER_SIZE;
  let raw = 0;
  let scale = 1;
  for (;;) {
    if (p >= at + length || scale > 2 ** 35) {
      throw new KeepsakeError('ERR_CORRUPT', 'corrupt keepsake blob: bad compressed length');
    }
    const b = bytes[p++]!;
    raw += (b & 0x7f) * scale;
    if (b < 0x80) break;
    scale *= 0x80;
  }
  if (raw > MAX_PAYLOAD) {
    throw new KeepsakeError('ERR_CORRUPT', 'corrupt keepsake blob: compressed length too large');
  }
  const out = decompress(code, bytes.subarray(p, at + length), raw);
  if (out.length !== raw) {
    throw new KeepsakeError('ERR_CORRUPT', 'corrupt keepsake blob: wrong decompressed length');
  }
  return { bytes: out, start: 0, end: out.length, refs };
}
