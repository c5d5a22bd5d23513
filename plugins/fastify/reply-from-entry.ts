import type { FastifyReply } from 'fastify';
import { ifNoneMatch } from './etag.js';
import type { HeaderValue } from './freshness.js';
import { ageOf, type HttpEntry } from './http-entry.js';
import type { CacheStatus } from './types.js';

/** Representation headers a 304 does not repeat (RFC 9110 §15.4.5). */
const NOT_IN_304 = [
  'content-type',
  'content-length',
  'content-encoding',
  'content-language',
  'content-range',
];

/** Fastify's private slot for `reply.serializer(fn)`, found on the first hit; `null`: none. */
let serializerSlot: symbol | null | undefined;

/**
 * Whether `reply.send` would run a string payload through a serializer that a hook before the
 * lookup set with `reply.serializer()` (@fastify/accepts-serializer does, in `preHandler`), or
 * this cannot be told. Fastify keeps it in a symbol slot of its own; no such slot reads as yes,
 * so a Fastify that renames it costs hits their string bodies, never their bytes.
 *
 * @example
 * ```ts
 * if (typeof body === 'string' && customSerializer(reply)) body = Buffer.from(body, 'latin1');
 * ```
 */
export function customSerializer(reply: FastifyReply): boolean {
  serializerSlot ??=
    Object.getOwnPropertySymbols(reply).find((s) => s.description === 'fastify.reply.serializer') ??
    null;
  return (
    serializerSlot === null ||
    (reply as unknown as Record<symbol, unknown>)[serializerSlot] !== null
  );
}

/**
 * Turns `reply` into a `304 Not Modified`: representation metadata removed, validators and
 * caching headers (`etag`, `cache-control`, `expires`, `vary`, `content-location`) kept.
 *
 * @example
 * ```ts
 * notModified(reply).send();
 * ```
 */
export function notModified(reply: FastifyReply): FastifyReply {
  reply.code(304);
  for (const name of NOT_IN_304) reply.removeHeader(name);
  return reply;
}

/**
 * Sets status and headers of a stored response on `reply` and returns the payload to send:
 * the body (as bytes when a hook set a {@link customSerializer}), or `null` when the request's
 * `If-None-Match` matches (a 304). `x-cache` and `age` are added; `Cache-Control: private` too
 * when the request carried credentials and the stored response set no `Cache-Control` (a
 * per-user answer must not be kept by a shared cache downstream). The stored `Cache-Control`
 * itself is never rewritten.
 *
 * @example
 * ```ts
 * reply.send(replyFromEntry(reply, entry, 'HIT', request.headers['if-none-match'], false, Date.now()));
 * ```
 */
export function replyFromEntry(
  reply: FastifyReply,
  entry: HttpEntry,
  status: CacheStatus,
  conditional: HeaderValue,
  credentialed: boolean,
  now: number,
): Buffer | string | null {
  reply.code(entry.status);
  const headers = entry.headers;
  for (const name in headers) reply.header(name, headers[name]);
  reply.header('etag', entry.etag);
  reply.header('age', ageOf(entry, now));
  reply.header('x-cache', status);
  if (credentialed && headers['cache-control'] === undefined) {
    reply.header('cache-control', 'private');
  }
  if (conditional !== undefined && ifNoneMatch(conditional, entry.etag)) {
    notModified(reply);
    return null;
  }
  const body = entry.body;
  // Fastify sends a Buffer as it is but a string through that serializer. (Strings are ASCII.)
  return typeof body === 'string' && customSerializer(reply) ? Buffer.from(body, 'latin1') : body;
}
