/**
 * Which requests may be answered from the cache and which may fill it, by their headers alone.
 * Kept apart so the security rules read as one list.
 */
import type { HeaderValue } from './freshness.js';

/**
 * Request headers that change what an application may produce but are not part of the key:
 * a request carrying one is answered (from the cache or the handler) but never stored, so
 * nobody can plant a response computed from a spoofed host or URL (cache poisoning). Names are
 * lowercase. `x-forwarded-for` is not here: every proxy adds it, and it only changes
 * `request.ip`; `x-forwarded-proto` is keyed instead (see {@link KEYED_FORWARDING}).
 */
export const UNKEYED_FORWARDING: readonly string[] = [
  'x-forwarded-host',
  'x-forwarded-server',
  'x-forwarded-scheme',
  'x-forwarded-prefix',
  'x-forwarded-port',
  'x-forwarded-path',
  'x-original-url',
  'x-original-host',
  'x-rewrite-url',
  'x-http-method-override',
  'x-http-method',
  'x-method-override',
  'x-host',
  'forwarded',
];

/** Forwarding headers with few legitimate values that proxies set: part of the key. */
export const KEYED_FORWARDING: readonly string[] = ['x-forwarded-proto'];

/**
 * Whether the request carries credentials (`Authorization` or `Cookie`).
 *
 * @example
 * ```ts
 * hasCredentials({ cookie: 'sid=1' }); // true
 * ```
 */
export function hasCredentials(headers: Readonly<Record<string, HeaderValue>>): boolean {
  return headers.authorization !== undefined || headers.cookie !== undefined;
}

/**
 * Whether the request has a body (a GET with a body may be answered differently; it is never
 * looked up nor stored).
 *
 * @example
 * ```ts
 * hasBody({ 'content-length': '3' }); // true
 * ```
 */
export function hasBody(headers: Readonly<Record<string, HeaderValue>>): boolean {
  const length = headers['content-length'];
  return (
    (length !== undefined && String(length) !== '0') || headers['transfer-encoding'] !== undefined
  );
}

/**
 * Whether the request carries a header that must keep its response out of the cache: an
 * unkeyed forwarding header, or `Range` (a partial answer is not the entry's full body).
 *
 * @example
 * ```ts
 * unstorableRequest({ 'x-forwarded-host': 'evil.example' }); // true
 * ```
 */
export function unstorableRequest(headers: Readonly<Record<string, HeaderValue>>): boolean {
  if (headers.range !== undefined) return true;
  for (const name of UNKEYED_FORWARDING) if (headers[name] !== undefined) return true;
  return false;
}

/** Request headers a background refresh must not replay: conditionals and framing. */
export const NOT_REPLAYED: readonly string[] = [
  'if-none-match',
  'if-modified-since',
  'if-match',
  'if-unmodified-since',
  'if-range',
  'range',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'expect',
];
