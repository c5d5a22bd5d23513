/**
 * What the plugin keeps in the cache. Two shapes share the key space:
 *
 * ```text
 *   http:<base>            HttpEntry   the response, when it has no Vary
 *                          VaryIndex   { headers: ['accept-language'], variants: [k1, k2] }
 *   http:<base>:v:<hash>   HttpEntry   one variant, when the response named Vary headers
 * ```
 *
 * A lookup reads the base key; an index sends it on to the variant for the request's values of
 * the index's headers. Both carry the route id, checked on every read. Times are epoch ms.
 * Entries are plain data (a Buffer or string body, string headers), so byte tiers (disk, Redis)
 * store them through the codec unchanged. `FORMAT` changes when the shape does: older entries
 * are then misses, never misread.
 */
import { isAscii } from 'node:buffer';
import { strongEtag } from './etag.js';
import { type HeaderValue, initialAge, type StoragePolicy } from './freshness.js';

/** Shape version of stored entries; bump on any change to the two interfaces below. */
export const FORMAT = 2;

/** One stored response. */
export interface HttpEntry {
  readonly format: typeof FORMAT;
  readonly type: 'response';
  /** The route it was produced by; an entry never answers another route. */
  readonly route: string;
  readonly status: number;
  /** End-to-end response headers, lowercase names, as the handler set them. */
  readonly headers: Readonly<Record<string, string | readonly string[]>>;
  /** The body's bytes, or the same bytes as a string, cheaper to send ({@link servedBody}). */
  readonly body: Buffer | string;
  /** Strong entity tag, computed at store time (or the handler's own). */
  readonly etag: string;
  /** When it was stored, epoch ms. */
  readonly storedAt: number;
  /** The `Age` it arrived with, seconds. */
  readonly initialAge: number;
  /** Fresh until, epoch ms. */
  readonly freshUntil: number;
  /** May be served stale while refreshing until, epoch ms (>= freshUntil). */
  readonly staleUntil: number;
  /** May be served stale when the handler fails until, epoch ms (>= freshUntil). */
  readonly errorUntil: number;
  /** Tags it was stored with, for `invalidate` and for the refresh to keep. */
  readonly tags: readonly string[];
}

/** The list of variants stored under one base key, by the headers the response varies on. */
export interface VaryIndex {
  readonly format: typeof FORMAT;
  readonly type: 'vary';
  readonly route: string;
  /** Header names from the response's `Vary`, lowercase, sorted. */
  readonly headers: readonly string[];
  /** Variant keys, oldest first; bounded by `maxVariants`. */
  readonly variants: readonly string[];
  /** The latest deadline of its variants, epoch ms: the index lives as long as they do. */
  readonly until: number;
}

/** Anything the plugin reads from the cache. */
export type StoredRecord = HttpEntry | VaryIndex;

/**
 * Narrows a cache value to a record of this plugin, of this format and route; anything else
 * (another writer's value in a shared cache, an older format) reads as `undefined`.
 *
 * @example
 * ```ts
 * const record = asRecord(await cache.get(key), 'GET /report');
 * ```
 */
export function asRecord(value: unknown, route: string): StoredRecord | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const r = value as Partial<StoredRecord>;
  if (r.format !== FORMAT || r.route !== route) return undefined;
  return r.type === 'response' || r.type === 'vary' ? (r as StoredRecord) : undefined;
}

/**
 * Headers never stored or replayed: hop-by-hop ones (RFC 9110 §7.6.1) and those the serving
 * side computes itself (length, date, age, our own x-cache).
 */
const NOT_STORED = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'content-length',
  'date',
  'age',
  'x-cache',
  'set-cookie',
]);

/**
 * The end-to-end headers of a response worth storing, with the names listed in its
 * `Connection` header dropped too (they are hop-by-hop by declaration).
 *
 * @example
 * ```ts
 * storedHeaders({ 'content-type': 'text/plain', connection: 'close', 'keep-alive': 'x' });
 * // { 'content-type': 'text/plain' }
 * ```
 */
export function storedHeaders(
  headers: Readonly<Record<string, HeaderValue>>,
): Record<string, string | readonly string[]> {
  const out: Record<string, string | readonly string[]> = {};
  const connection = headers.connection;
  const named =
    connection === undefined
      ? undefined
      : new Set(
          String(connection)
            .split(',')
            .map((s) => s.trim().toLowerCase()),
        );
  for (const name of Object.keys(headers)) {
    const lower = name.toLowerCase();
    if (NOT_STORED.has(lower) || lower.startsWith('proxy-') || named?.has(lower)) continue;
    const value = headers[name];
    if (value === undefined) continue;
    out[lower] = Array.isArray(value) ? [...(value as string[])] : String(value);
  }
  return out;
}

/**
 * The `Age` to send for an entry at `now`, seconds.
 *
 * @example
 * ```ts
 * ageOf(entry, Date.now()); // '12'
 * ```
 */
export function ageOf(entry: HttpEntry, now: number): string {
  return String(Math.max(0, Math.floor((now - entry.storedAt) / 1000)) + entry.initialAge);
}

/**
 * A body's bytes in a buffer of their own, sized exactly, for an entry to keep. `Buffer.from`
 * of a short string (and a short `Buffer.concat`) is carved from Node's shared 8 KiB pool, and
 * a handler's Buffer may be a view into a larger one or be written again later: kept in an
 * entry, either would pin memory the tier's byte count never sees, or change under it.
 *
 * @example
 * ```ts
 * ownBytes('{"a":1}').buffer.byteLength; // 7, not 8192
 * ```
 */
export function ownBytes(body: string | Uint8Array, size = byteSize(body)): Buffer {
  const out = Buffer.allocUnsafeSlow(size);
  if (typeof body === 'string') out.write(body);
  else out.set(body);
  return out;
}

/**
 * The size of a body in bytes (UTF-8 for a string), measured once by a caller that both checks
 * it against a limit and copies it with {@link ownBytes}.
 *
 * @example
 * ```ts
 * byteSize('é'); // 2
 * ```
 */
export function byteSize(body: string | Uint8Array): number {
  return typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
}

/**
 * Bodies up to this size may be kept as a string (see {@link servedBody}). Measured with
 * callgrind per hit: a string saves ~4k instructions at 128 bytes and ~2k at 2 KiB, breaks
 * even at 3-4 KiB (Node encodes the string on every write), and costs ~40k more at 16 KiB.
 */
export const MAX_TEXT_BYTES = 2048;

const TOKEN = "[\\w!#$%&'*+.^`|~-]+";
/** `type/subtype`, then parameters or nothing: a content-type Fastify parses as one. */
const MEDIA_TYPE = new RegExp(`^\\s*${TOKEN}/${TOKEN}\\s*(?:;|$)`);
/** Parameters naming only a charset: all a JSON type may carry to be sent as a string. */
const ONLY_CHARSET = new RegExp(`^;\\s*charset=${TOKEN}\\s*$`, 'i');

/**
 * Whether Fastify's `reply.send` leaves `contentType` as it is for a string payload. It sets
 * `text/plain` when there is no (valid) type and appends `; charset=utf-8` to a JSON type
 * without a charset, where a Buffer leaves the header alone; a stored response must replay
 * its headers unchanged. Parameters other than the charset on a JSON type are refused rather
 * than parsed.
 *
 * @example
 * ```ts
 * sendsUnchangedAsString('application/json; charset=utf-8'); // true
 * sendsUnchangedAsString('application/json'); // false: Fastify would add a charset
 * sendsUnchangedAsString('text/html'); // true
 * ```
 */
export function sendsUnchangedAsString(
  contentType: string | readonly string[] | undefined,
): boolean {
  if (typeof contentType !== 'string' || !MEDIA_TYPE.test(contentType)) return false;
  const semi = contentType.indexOf(';');
  const media = semi === -1 ? contentType : contentType.slice(0, semi);
  if (!media.toLowerCase().includes('json')) return true;
  return semi !== -1 && ONLY_CHARSET.test(contentType.slice(semi));
}

/**
 * The body an entry keeps and a hit sends: `bytes` as a string when they are short ASCII under
 * a content-type Fastify sends unchanged, else `bytes` themselves. Node's http writes a string
 * body and the headers as one chunk, a Buffer as a second one (which Fastify also type-tests
 * twice). The string is made once, here, not per hit, and replaces the bytes rather than being
 * kept beside them. ASCII only: its string is exactly these bytes again, and non-ASCII text made
 * a hit dearer instead (~16k instructions more for 1 KiB of Cyrillic, ~5k for accented Latin),
 * as Node encodes it afresh on every write.
 *
 * @example
 * ```ts
 * servedBody(Buffer.from('{"a":1}'), 'application/json; charset=utf-8'); // '{"a":1}'
 * servedBody(Buffer.from([0xff]), 'application/octet-stream'); // <Buffer ff>
 * ```
 */
export function servedBody(
  bytes: Buffer,
  contentType: string | readonly string[] | undefined,
): Buffer | string {
  return bytes.byteLength <= MAX_TEXT_BYTES && isAscii(bytes) && sendsUnchangedAsString(contentType)
    ? bytes.toString('latin1')
    : bytes;
}

/** What {@link entryMaker} needs besides the body. */
export interface EntrySource {
  route: string;
  status: number;
  /** The response headers, lowercase names (`reply.getHeaders()`). */
  headers: Readonly<Record<string, HeaderValue>>;
  policy: StoragePolicy;
  tags: readonly string[];
  /** Store time, epoch ms. */
  now: number;
}

/**
 * A function building the entry for a response from its body, once the body is known (at once
 * for strings and buffers, at the end for streams); the entry keeps the body it is given (or
 * its {@link servedBody} string), so give it one of its own ({@link ownBytes}). Headers are
 * snapshotted now; the entity tag is the handler's own or a hash of the body, computed once
 * here.
 *
 * @example
 * ```ts
 * const make = entryMaker({ route, status: 200, headers: reply.getHeaders(), policy, tags, now });
 * await store.store(key, make(body), [], request.headers);
 * ```
 */
export function entryMaker(source: EntrySource): (body: Buffer) => HttpEntry {
  const { route, status, headers, policy, tags, now } = source;
  const stored = storedHeaders(headers);
  const own = headers.etag === undefined ? undefined : String(headers.etag);
  const age = initialAge(headers);
  const freshUntil = now + policy.ttl;
  return (body) => ({
    format: FORMAT,
    type: 'response',
    route,
    status,
    headers: stored,
    body: servedBody(body, stored['content-type']),
    etag: own ?? strongEtag(body),
    storedAt: now,
    initialAge: age,
    freshUntil,
    staleUntil: freshUntil + policy.staleWhileRevalidate,
    errorUntil: freshUntil + policy.staleIfError,
    tags,
  });
}
