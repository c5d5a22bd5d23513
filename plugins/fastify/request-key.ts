/**
 * Cache keys for HTTP responses. A key must never let one entry answer a request that would
 * have reached another handler or produced another body, so it is built from everything the
 * router and the handler see that can change the answer:
 *
 * ```text
 *   http:<hashKey(route id, host, params, normalised query, route `vary` values, per-user key)>
 *   http:<same>:v:<hashKey(values of the response's Vary headers)>       a variant
 * ```
 *
 * The method is not part of it: HEAD is answered from the GET entry. Parts are hashed to 128
 * bits, so a 16 KiB URL costs 37 bytes of key; the stored entry repeats the route id, so even a
 * hash collision cannot answer across routes.
 */
import type { FastifyRequest } from 'fastify';
import { hashKey } from '../../src/index.js';
import type { HeaderValue } from './freshness.js';
import { KeyMemo } from './key-memo.js';
import type { RouteState } from './request-state.js';

/** A compiled query drop-list: exact names and `prefix*` patterns. */
export interface QueryFilter {
  exact: ReadonlySet<string>;
  prefixes: readonly string[];
}

/**
 * Compiles a drop-list such as `['utm_*', 'fbclid']`.
 *
 * @example
 * ```ts
 * const filter = compileQueryFilter(['utm_*']);
 * isDropped(filter, 'utm_source'); // true
 * ```
 */
export function compileQueryFilter(names: readonly string[]): QueryFilter {
  const exact = new Set<string>();
  const prefixes: string[] = [];
  for (const name of names) {
    if (name.endsWith('*')) prefixes.push(name.slice(0, -1));
    else exact.add(name);
  }
  return { exact, prefixes };
}

/**
 * Whether a (decoded) query parameter name is on the drop-list.
 *
 * @example
 * ```ts
 * isDropped(compileQueryFilter(['fbclid']), 'fbclid'); // true
 * ```
 */
export function isDropped(filter: QueryFilter, name: string): boolean {
  if (filter.exact.has(name)) return true;
  for (const prefix of filter.prefixes) if (name.startsWith(prefix)) return true;
  return false;
}

/**
 * One query component in canonical form: decoded (`+` is a space), then re-encoded with
 * `encodeURIComponent`, so `%61`, `a` and `%61` agree. A component that does not decode is
 * kept raw: it still contains a bare `%`, which canonical output never does, so it cannot
 * collide with a decodable one.
 */
function canonicalComponent(raw: string): string {
  if (raw.indexOf('%') === -1 && raw.indexOf('+') === -1) {
    // Fast path: nothing to decode; re-encode only when something needs it.
    return /^[A-Za-z0-9\-_.!~*'()]*$/.test(raw) ? raw : encodeURIComponent(raw);
  }
  try {
    return encodeURIComponent(decodeURIComponent(raw.replace(/\+/g, ' ')));
  } catch {
    return raw;
  }
}

function decodedName(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return raw;
  }
}

/**
 * The canonical query string of a request URL: split on `&` only (Fastify's default parser),
 * empty parts and drop-listed names removed, each name and value in canonical encoding, sorted
 * by name with repeated names kept in their original order (`a=1&a=2` and `a=2&a=1` may mean
 * different things to a handler, so they stay different keys). `a` and `a=` stay distinct.
 *
 * @example
 * ```ts
 * normaliseQuery('/x?b=2&utm_source=x&a=%31', compileQueryFilter(['utm_*'])); // 'a=1&b=2'
 * ```
 */
export function normaliseQuery(url: string, filter: QueryFilter): string {
  const q = url.indexOf('?');
  if (q === -1 || q === url.length - 1) return '';
  const pairs: Array<[string, string]> = [];
  for (const part of url.slice(q + 1).split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const rawName = eq === -1 ? part : part.slice(0, eq);
    if (
      (filter.exact.size > 0 || filter.prefixes.length > 0) &&
      isDropped(filter, decodedName(rawName))
    ) {
      continue;
    }
    const name = canonicalComponent(rawName);
    pairs.push([name, eq === -1 ? name : `${name}=${canonicalComponent(part.slice(eq + 1))}`]);
  }
  if (pairs.length > 1) {
    // Array.prototype.sort is stable: equal names keep their order.
    pairs.sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  }
  let out = '';
  for (let i = 0; i < pairs.length; i++) out = i === 0 ? pairs[i]![1] : `${out}&${pairs[i]![1]}`;
  return out;
}

/**
 * The path of a URL in canonical form for URL-based invalidation: query dropped, each segment
 * decoded and re-encoded, one trailing slash removed (so `/a/` and `/a` invalidate together).
 *
 * @example
 * ```ts
 * canonicalPath('/items/%35/?x=1'); // '/items/5'
 * canonicalPath('https://example.com/a b'); // '/a%20b'
 * ```
 */
export function canonicalPath(url: string): string {
  let path = url;
  if (!path.startsWith('/')) {
    try {
      path = new URL(path).pathname;
    } catch {
      path = `/${path}`;
    }
  }
  const q = path.search(/[?#]/);
  if (q !== -1) path = path.slice(0, q);
  const segments = path.split('/').map((s) => canonicalComponent(s));
  let out = segments.join('/');
  if (out.length > 1 && out.endsWith('/')) out = out.slice(0, -1);
  return out === '' ? '/' : out;
}

/**
 * The values of `names` in `headers`, in order, for a key: arrays joined, absent as `null` (so
 * an absent header differs from an empty one).
 *
 * @example
 * ```ts
 * headerValues({ 'accept-language': 'fr' }, ['accept-language', 'x-a']); // ['fr', null]
 * ```
 */
export function headerValues(
  headers: Readonly<Record<string, HeaderValue>>,
  names: readonly string[],
): Array<string | null> {
  const out: Array<string | null> = [];
  for (const name of names) {
    const value = headers[name];
    out.push(
      value === undefined ? null : Array.isArray(value) ? value.join(', ') : String(value).trim(),
    );
  }
  return out;
}

/** What a base key is made of. */
export interface KeyParts {
  /** The route's identity: pattern and constraints. */
  route: string;
  host: string;
  params: unknown;
  query: string;
  /** Values of the route's configured `vary` headers. */
  vary: ReadonlyArray<string | null>;
  /** `hashKey` of the route's per-user `key(request)`, or `undefined`. */
  user: string | undefined;
}

/**
 * The base key of a request: one 128-bit hash over its {@link KeyParts}.
 *
 * @example
 * ```ts
 * baseKey({ route: 'GET /r/:id', host: 'a', params: { id: '1' }, query: '', vary: [], user: undefined });
 * // 'http:3f2c…'
 * ```
 */
export function baseKey(parts: KeyParts): string {
  return `http:${hashKey(parts.route, parts.host, parts.params, parts.query, parts.vary, parts.user ?? null)}`;
}

/**
 * The key of one variant under a base key, from the request's values of the headers the
 * response named in `Vary`.
 *
 * @example
 * ```ts
 * variantKey('http:abc', ['fr']); // 'http:abc:v:91d0…'
 * ```
 */
export function variantKey(base: string, values: ReadonlyArray<string | null>): string {
  return `${base}:v:${hashKey(values)}`;
}

/**
 * Keys requests for one plugin instance: drops ignored query parameters and derives base keys,
 * with a {@link KeyMemo} in front so a repeated request does not derive its key again.
 *
 * @example
 * ```ts
 * const keyer = new RequestKeyer(['utm_*']);
 * keyer.dropIgnoredQuery(request);
 * const base = keyer.key(route, request, undefined);
 * ```
 */
export class RequestKeyer {
  readonly #filter: QueryFilter;
  readonly #dropping: boolean;
  readonly #memo = new KeyMemo();

  constructor(ignoreQuery: readonly string[]) {
    this.#filter = compileQueryFilter(ignoreQuery);
    this.#dropping = ignoreQuery.length > 0;
  }

  /** The base key of `request` on `route` for per-user key `user` (already hashed). */
  key(route: RouteState, request: FastifyRequest, user: string | undefined): string {
    const names = route.keyHeaders;
    const known = this.#memo.get(route.id, names, request, user);
    if (known !== undefined) return known;
    const params = request.params;
    const key = baseKey({
      route: route.id,
      host: (request.host ?? '').toLowerCase(),
      // The router's params object has its own prototype: hash its pairs, in route order.
      params: typeof params === 'object' && params !== null ? Object.entries(params) : null,
      query: normaliseQuery(request.url, this.#filter),
      vary: headerValues(request.headers, names),
      user,
    });
    return this.#memo.remember(route.id, names, request, user, key);
  }

  /** Removes drop-listed parameters from `request.query`, so no response can depend on them. */
  dropIgnoredQuery(request: FastifyRequest): void {
    if (!this.#dropping || request.url.indexOf('?') === -1) return;
    const query = request.query;
    if (typeof query !== 'object' || query === null) return;
    for (const name of Object.keys(query)) {
      if (isDropped(this.#filter, name)) delete (query as Record<string, unknown>)[name];
    }
  }
}
