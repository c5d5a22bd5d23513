/**
 * Entity tags and `If-None-Match` (RFC 9110 §8.8.3, §13.1.2). The tag is computed once, when a
 * response is stored, from its body bytes; hits reuse it.
 */
import { createHash } from 'node:crypto';
import type { HeaderValue } from './freshness.js';

/**
 * A strong entity tag for `body`: a quoted 144-bit SHA-256 prefix in base64url.
 *
 * @example
 * ```ts
 * strongEtag(Buffer.from('hello')); // '"LPJNul-wow4m6DsqxbninhsWHlwfp0JecwQz"'
 * ```
 */
export function strongEtag(body: Uint8Array): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 24)}"`;
}

/** The opaque part of a tag, without `W/`, for the weak comparison `If-None-Match` uses. */
function opaque(tag: string): string {
  const t = tag.trim();
  return t.startsWith('W/') ? t.slice(2) : t;
}

/**
 * Whether `If-None-Match` matches the stored entity tag: `*` matches any stored response, a
 * list matches when one member matches by weak comparison (`W/"x"` matches `"x"`).
 *
 * @example
 * ```ts
 * ifNoneMatch('W/"a", "b"', '"a"'); // true
 * ifNoneMatch('*', '"anything"'); // true
 * ```
 */
export function ifNoneMatch(header: HeaderValue, etag: string): boolean {
  if (header === undefined) return false;
  const text = Array.isArray(header) ? header.join(',') : String(header);
  if (text.trim() === '*') return true;
  const wanted = opaque(etag);
  // A comma is legal inside an entity tag, so members are matched as quoted strings rather
  // than split on commas.
  for (const member of text.match(/(?:W\/)?"[^"]*"|[^,\s]+/g) ?? []) {
    if (opaque(member) === wanted) return true;
  }
  return false;
}
