/**
 * What HTTP says a shared cache may store, and for how long (RFC 9111). Pure functions over
 * header values, so every rule is testable without a server.
 *
 * The rules kept here, in the order `storagePolicy` applies them:
 * - `Set-Cookie` on the response: never stored (one user's session would be replayed to all).
 * - `Cache-Control: no-store | private | no-cache`: not stored. `no-cache` permits storing with
 *   revalidation on every use; this cache does not revalidate, so it does not store.
 * - `Vary: *`: not stored (no request can ever match it).
 * - Freshness lifetime (§4.2.1): `s-maxage`, else `max-age`, else `Expires - Date`, minus the
 *   `Age` the response already carries. A malformed value counts as already stale.
 * - The configured TTL is bounded by that lifetime; without a configured TTL the lifetime is
 *   used; with neither, the response is not stored (no heuristic freshness).
 * - `must-revalidate` / `proxy-revalidate` forbid serving it stale (no SWR, no stale-if-error).
 *   Deviation, as nginx and Varnish do: `s-maxage` alone does not imply `proxy-revalidate`,
 *   so `s-maxage=60, stale-while-revalidate=30` works as CDNs treat it.
 */

/** A header value as Fastify and Node hand it over. */
export type HeaderValue = string | number | readonly string[] | undefined;

/** Parsed `Cache-Control`: directive name (lowercase) -> its argument, or `true` when bare. */
export type CacheControl = Map<string, string | true>;

/**
 * Parses a `Cache-Control` header (a list or repeated header) into a map of lowercase
 * directives. Quoted arguments are unquoted. The first occurrence of a directive wins.
 *
 * @example
 * ```ts
 * parseCacheControl('public, s-maxage=60, private="set-cookie"').get('s-maxage'); // '60'
 * ```
 */
export function parseCacheControl(value: HeaderValue): CacheControl {
  const out: CacheControl = new Map();
  if (value === undefined) return out;
  const text = Array.isArray(value) ? value.join(',') : String(value);
  // Split on commas outside quotes: private="a, b" is one directive.
  const parts = text.match(/(?:[^,"]|"(?:[^"\\]|\\.)*")+/g) ?? [];
  for (const part of parts) {
    const eq = part.indexOf('=');
    const name = (eq === -1 ? part : part.slice(0, eq)).trim().toLowerCase();
    if (name === '' || out.has(name)) continue;
    if (eq === -1) {
      out.set(name, true);
      continue;
    }
    let arg = part.slice(eq + 1).trim();
    if (arg.startsWith('"') && arg.endsWith('"') && arg.length >= 2) arg = arg.slice(1, -1);
    out.set(name, arg);
  }
  return out;
}

/**
 * A delta-seconds directive in ms: `undefined` when absent, `0` when malformed (RFC 9111
 * §1.2.2: an invalid value is treated as stale).
 *
 * @example
 * ```ts
 * secondsDirective(parseCacheControl('max-age=5'), 'max-age'); // 5000
 * ```
 */
export function secondsDirective(cc: CacheControl, name: string): number | undefined {
  const raw = cc.get(name);
  if (raw === undefined) return undefined;
  if (raw === true || !/^\d+$/.test(raw)) return 0;
  return Number(raw) * 1000;
}

/**
 * The response's own freshness lifetime in ms (RFC 9111 §4.2.1, shared cache), already reduced
 * by the `Age` it arrived with; `undefined` when it carries no freshness information.
 *
 * @example
 * ```ts
 * const cc = parseCacheControl('max-age=60');
 * freshnessLifetime(cc, { age: '10' }, Date.now()); // 50_000
 * ```
 */
export function freshnessLifetime(
  cc: CacheControl,
  headers: Readonly<Record<string, HeaderValue>>,
  now: number,
): number | undefined {
  let lifetime = secondsDirective(cc, 's-maxage') ?? secondsDirective(cc, 'max-age');
  if (lifetime === undefined) {
    const expires = headers.expires;
    if (expires !== undefined) {
      const at = Date.parse(String(expires));
      const dated = headers.date === undefined ? Number.NaN : Date.parse(String(headers.date));
      // An invalid Expires (e.g. "0") means "already expired" (§5.3).
      lifetime = Number.isNaN(at) ? 0 : Math.max(0, at - (Number.isNaN(dated) ? now : dated));
    }
  }
  if (lifetime === undefined) return undefined;
  return lifetime - initialAge(headers) * 1000;
}

/**
 * The `Age` a response already carries, seconds (0 when absent or malformed).
 *
 * @example
 * ```ts
 * initialAge({ age: '7' }); // 7
 * ```
 */
export function initialAge(headers: Readonly<Record<string, HeaderValue>>): number {
  const age = headers.age;
  if (age === undefined) return 0;
  const text = String(Array.isArray(age) ? age[0] : age).trim();
  return /^\d+$/.test(text) ? Number(text) : 0;
}

/** The windows a stored response gets, all in ms from the moment it is stored. */
export interface StoragePolicy {
  /** Fresh for this long. */
  ttl: number;
  /** After `ttl`, served stale while one refresh runs, for this long. */
  staleWhileRevalidate: number;
  /** After `ttl`, served stale when the handler fails, for this long. */
  staleIfError: number;
}

/** The configured windows `storagePolicy` starts from; each `undefined` when not configured. */
export interface ConfiguredWindows {
  ttl: number | undefined;
  staleWhileRevalidate: number | undefined;
  staleIfError: number | undefined;
}

/**
 * Whether and how long a response may be stored by a shared cache: `undefined` to not store it.
 * `headers` are the response headers with lowercase names.
 *
 * @example
 * ```ts
 * storagePolicy({ 'cache-control': 'max-age=30' }, { ttl: 60_000 }, Date.now());
 * // { ttl: 30_000, staleWhileRevalidate: 0, staleIfError: 0 }
 * ```
 */
export function storagePolicy(
  headers: Readonly<Record<string, HeaderValue>>,
  configured: ConfiguredWindows,
  now: number,
): StoragePolicy | undefined {
  if (headers['set-cookie'] !== undefined) return undefined;
  const cc = parseCacheControl(headers['cache-control']);
  if (cc.has('no-store') || cc.has('private') || cc.has('no-cache')) return undefined;
  if (varyNames(headers.vary) === '*') return undefined;
  const own = freshnessLifetime(cc, headers, now);
  let ttl = configured.ttl;
  if (ttl === undefined) ttl = own;
  else if (own !== undefined) ttl = Math.min(ttl, own);
  if (ttl === undefined || !(ttl > 0)) return undefined;
  if (cc.has('must-revalidate') || cc.has('proxy-revalidate')) {
    return { ttl, staleWhileRevalidate: 0, staleIfError: 0 };
  }
  return {
    ttl,
    staleWhileRevalidate:
      configured.staleWhileRevalidate ?? secondsDirective(cc, 'stale-while-revalidate') ?? 0,
    staleIfError: configured.staleIfError ?? secondsDirective(cc, 'stale-if-error') ?? 0,
  };
}

/**
 * The header names a `Vary` value lists: lowercase, deduplicated, sorted; `'*'` for `Vary: *`.
 *
 * @example
 * ```ts
 * varyNames('Accept-Language, accept-encoding'); // ['accept-encoding', 'accept-language']
 * ```
 */
export function varyNames(value: HeaderValue): readonly string[] | '*' {
  if (value === undefined) return [];
  const text = Array.isArray(value) ? value.join(',') : String(value);
  const names = new Set<string>();
  for (const part of text.split(',')) {
    const name = part.trim().toLowerCase();
    if (name === '*') return '*';
    if (name !== '') names.add(name);
  }
  return [...names].sort();
}
