import type { Buffer } from 'node:buffer';
import { KeepsakeError } from '../errors.js';
import { Decoder } from './decoder.js';
import { Encoder } from './encoder.js';
import { blobLength, compressionCode, open, seal } from './envelope.js';
import { HEADER_SIZE, MAGIC } from './format.js';
import type { DeserializeOptions, SerializeOptions } from './options.js';
import { UnserializableValue } from './unserializable-value.js';
import { pathTo } from './value-path.js';

const shared = new Encoder();
/**
 * A released decoder waiting for the next payload (a decode from inside a decode, through a
 * class's fromState, makes its own). Reusing one saves its allocations, and above all keeps a
 * Decoder reachable between decodes: V8 holds the hidden class of Decoder instances only while
 * one is reachable, so once a major GC collected it, every optimized decoder method was thrown
 * away ("weak objects" deopts) and the next decodes ran unoptimized until V8 compiled them
 * again. With a forced GC between rounds, P2 decode measured 162 µs per op that way and 42 µs
 * with a decoder kept.
 */
let idleDecoder: Decoder | undefined;
let sharedBusy = false;

function isStackOverflow(err: unknown): boolean {
  return err instanceof RangeError && /call stack/i.test(err.message);
}

function tooDeep(cause: unknown): KeepsakeError {
  return new KeepsakeError('ERR_TOO_DEEP', 'the value is nested too deeply to encode or decode', {
    cause,
    hint: 'flatten the structure, or store its parts as separate records',
  });
}

/**
 * Encodes a value into a self-describing blob: a header (magic, format, compression,
 * checksum) and the payload. The counterpart of Python's `pickle.dumps`, without code in it.
 *
 * @throws KeepsakeError `ERR_UNSERIALIZABLE` naming the path of a value it cannot encode.
 * @example
 * ```ts
 * import { serialize, deserialize } from 'keepsake';
 * const bytes = serialize({ when: new Date(), ids: new Set([1n, 2n]) });
 * deserialize(bytes); // { when: Date, ids: Set { 1n, 2n } }
 * ```
 */
export function serialize(value: unknown, options?: SerializeOptions): Uint8Array {
  const code = compressionCode(options?.compress);
  return seal(encodePayload(value), code, options?.level);
}

/** Encodes a value to an unsealed blob (header room + payload). Internal. */
export function encodePayload(value: unknown): Buffer {
  // A toState or getter may serialize something itself: it gets an encoder of its own.
  const encoder = sharedBusy ? new Encoder() : shared;
  const owner = !sharedBusy;
  sharedBusy = true;
  encoder.begin();
  try {
    encoder.value(value);
    return encoder.end();
  } catch (err) {
    encoder.abort();
    if (err instanceof UnserializableValue) {
      const path = pathTo(value, err.value);
      throw new KeepsakeError('ERR_UNSERIALIZABLE', `cannot serialize ${err.what} at ${path}`, {
        hint:
          typeof err.value === 'function'
            ? 'register it with registerFunction(fn, name), or leave it out of the value'
            : typeof err.value === 'object'
              ? 'register its class with registerClass(Class), or convert it to plain data'
              : 'convert it to plain data, or leave it out of the value',
      });
    }
    if (isStackOverflow(err)) throw tooDeep(err);
    throw err;
  } finally {
    if (owner) sharedBusy = false;
  }
}

/**
 * Decodes a blob made by {@link serialize}. Never runs code from the bytes and never touches
 * `Object.prototype`; damaged bytes throw, they never decode into a wrong value.
 *
 * @throws KeepsakeError `ERR_FORMAT` (not keepsake bytes, or a newer format), `ERR_CORRUPT`
 * (checksum or framing), `ERR_UNKNOWN_CLASS`, `ERR_UNKNOWN_FUNCTION`, `ERR_MIGRATION`.
 * @example
 * ```ts
 * const value = deserialize<{ ids: Set<bigint> }>(bytes);
 * ```
 */
export function deserialize<T = unknown>(bytes: Uint8Array, options?: DeserializeOptions): T {
  if (options !== undefined) checkDeserializeOptions(options);
  if (!(bytes instanceof Uint8Array)) {
    throw new KeepsakeError('ERR_OPTIONS', 'deserialize expects a Uint8Array or Buffer', {
      hint: 'pass the bytes serialize() returned, or a Buffer read from a file',
    });
  }
  if (bytes.length < HEADER_SIZE) throw shortBlob(bytes);
  const length = blobLength(bytes, 0);
  if (length !== bytes.length) {
    throw new KeepsakeError(
      'ERR_CORRUPT',
      `corrupt keepsake blob: header says ${length} bytes, got ${bytes.length}`,
      { hint: 'the bytes were truncated or extended; recompute or restore them' },
    );
  }
  return decodePayload(bytes, 0, length, options) as T;
}

/** Rejects option values that cannot work, at the call. Internal. */
export function checkDeserializeOptions(options: DeserializeOptions | undefined): void {
  const mode = options?.unknownClass;
  if (mode !== undefined && mode !== 'error' && mode !== 'plain') {
    throw new KeepsakeError('ERR_OPTIONS', `unknown unknownClass "${String(mode)}"`, {
      hint: "use 'error' (the default) or 'plain'",
    });
  }
}

/** Decodes the verified blob at `bytes[at..at+length)`. Internal. */
export function decodePayload(
  bytes: Uint8Array,
  at: number,
  length: number,
  options?: DeserializeOptions,
): unknown {
  const payload = open(bytes, at, length);
  const decoder =
    idleDecoder?.reset(payload.bytes, payload.start, payload.end, options, payload.refs) ??
    new Decoder(payload.bytes, payload.start, payload.end, options, payload.refs);
  idleDecoder = undefined;
  let value: unknown;
  let end: number;
  try {
    value = decoder.value();
    end = decoder.pos;
  } catch (err) {
    if (err instanceof KeepsakeError) throw err;
    if (isStackOverflow(err)) throw tooDeep(err);
    throw new KeepsakeError('ERR_CORRUPT', 'corrupt keepsake payload', {
      cause: err,
      hint: 'the bytes were damaged or written by a broken encoder; recompute them',
    });
  } finally {
    decoder.release();
    idleDecoder = decoder;
  }
  if (end !== payload.end) {
    throw new KeepsakeError('ERR_CORRUPT', 'corrupt keepsake payload: bytes after the value');
  }
  return value;
}

function shortBlob(bytes: Uint8Array): KeepsakeError {
  const prefixMatches = [...bytes.subarray(0, 4)].every((b, i) => b === MAGIC[i]);
  return prefixMatches
    ? new KeepsakeError('ERR_CORRUPT', 'corrupt keepsake blob: truncated header', {
        hint: 'the bytes were truncated; recompute or restore them',
      })
    : new KeepsakeError('ERR_FORMAT', 'not a keepsake blob (too short, bad magic bytes)', {
        hint: 'pass bytes made by serialize(), dumpFile() or a record writer',
      });
}
