/**
 * Base keys remembered by request URL, so a repeated request skips key derivation: query
 * normalisation, the canonical encoding of six parts and a 128-bit hash, ~0.7 µs and most of
 * the plugin's own work on a hit. The memo can only return the key that derivation would have
 * produced again, because a record holds every other input the key was derived from and is used
 * only when each is equal (`===`) to the request's:
 *
 * ```text
 *   url '/r/5?b=2&a=1' -> { route '/r/:id', host 'example.com', params ['id', '5'],
 *                           headers [<route vary values>..., <x-forwarded-proto>],
 *                           user <hashed per-user key> | undefined, key 'http:3f2c…' }
 * ```
 *
 * The query needs no check: it is derived from the URL alone. Raw values are compared (the host
 * before lowercasing, header values before trimming): equal raw inputs give equal derived ones.
 * Anything unusual (a non-string param or header value, a params object with inherited keys, a
 * URL over {@link MAX_URL} characters) is simply not remembered.
 *
 * Bounded: an LRU (lru-cache) of at most {@link MAX_RECORDS} records, so a flood of distinct URLs
 * costs at most 2,048 records of at most 512-character URLs.
 */

import { LRUCache } from 'lru-cache';

/** Longest URL remembered, characters; longer ones are derived every time. */
export const MAX_URL = 512;
/** Records kept; the least recently used goes first. */
export const MAX_RECORDS = 2048;

/** What a base key was derived from, besides the URL. */
interface MemoRecord {
  readonly route: string;
  readonly host: string;
  /** Own param names and values, alternating, in enumeration order. */
  readonly params: readonly string[];
  /** Raw values of the route's key headers, in the route's order. */
  readonly headers: ReadonlyArray<string | undefined>;
  readonly user: string | undefined;
  readonly key: string;
}

/** The parts of a request a key is derived from (a `FastifyRequest` is one). */
export interface KeyedRequest {
  readonly url: string;
  /** Before lowercasing. */
  readonly host: string;
  readonly params: unknown;
  readonly headers: Readonly<Record<string, unknown>>;
}

/**
 * Own enumerable param names and values, alternating; `undefined` when some value is not a
 * string or a key is inherited (then the memo stays out of it).
 */
function paramList(params: unknown): string[] | undefined {
  const out: string[] = [];
  if (typeof params !== 'object' || params === null) return out;
  const record = params as Record<string, unknown>;
  for (const name in record) {
    const value = record[name];
    if (typeof value !== 'string' || !Object.hasOwn(record, name)) return undefined;
    out.push(name, value);
  }
  return out;
}

function sameParams(params: unknown, list: readonly string[]): boolean {
  if (typeof params !== 'object' || params === null) return list.length === 0;
  const record = params as Record<string, unknown>;
  let i = 0;
  for (const name in record) {
    if (list[i] !== name || list[i + 1] !== record[name] || !Object.hasOwn(record, name)) {
      return false;
    }
    i += 2;
  }
  return i === list.length;
}

/**
 * The memo. `get` answers only for inputs equal to those a key was remembered with.
 *
 * @example
 * ```ts
 * const memo = new KeyMemo();
 * const key =
 *   memo.get(route.id, names, request, user) ??
 *   memo.remember(route.id, names, request, user, derive(request));
 * ```
 */
export class KeyMemo {
  readonly #records = new LRUCache<string, MemoRecord>({ max: MAX_RECORDS });

  /**
   * The key remembered for `request` on route `route`, whose key headers are `names`
   * (lowercase, in key order) and per-user key `user`; `undefined` when none is.
   */
  get(
    route: string,
    names: readonly string[],
    request: KeyedRequest,
    user: string | undefined,
  ): string | undefined {
    const record = this.#records.get(request.url);
    if (record === undefined) return undefined;
    if (
      record.route !== route ||
      record.host !== request.host ||
      record.user !== user ||
      !sameParams(request.params, record.params)
    ) {
      return undefined;
    }
    const headers = request.headers;
    for (let i = 0; i < names.length; i++) {
      if (headers[names[i]!] !== record.headers[i]) return undefined;
    }
    return record.key;
  }

  /** Remembers `key` as derived for these inputs (when they are plain enough); returns `key`. */
  remember(
    route: string,
    names: readonly string[],
    request: KeyedRequest,
    user: string | undefined,
    key: string,
  ): string {
    const url = request.url;
    if (url.length > MAX_URL) return key;
    const params = paramList(request.params);
    if (params === undefined) return key;
    const headers: Array<string | undefined> = [];
    for (const name of names) {
      const value = request.headers[name];
      if (value !== undefined && typeof value !== 'string') return key;
      headers.push(value);
    }
    this.#records.set(url, { route, host: request.host, params, headers, user, key });
    return key;
  }
}
