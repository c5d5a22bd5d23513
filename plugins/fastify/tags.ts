/**
 * The tags a stored response carries, and the tags an invalidation names. Besides the route's
 * `config.cache.tags` and `reply.cacheTags(...)`, every entry carries its canonical path:
 *
 * ```text
 *   GET /reports/2024?x=1    ->  tags ['reports', 'keepsake:path:/reports/2024']
 *   invalidate({ url: '/reports/2024/' })  ->  tags ['keepsake:path:/reports/2024']
 * ```
 *
 * so one URL invalidation reaches every query string, host and variant stored for that path.
 */
import type { FastifyRequest } from 'fastify';
import { KeepsakeError } from '../../src/index.js';
import { canonicalPath } from './request-key.js';
import type { RequestState } from './request-state.js';
import type { InvalidateTarget } from './types.js';

/** Prefix of the tag naming an entry's canonical path. */
export const PATH_TAG = 'keepsake:path:';

/**
 * The tags of the response to `request`: the route's (a list, or a function of the request),
 * those added with `reply.cacheTags`, and its path tag.
 * @throws KeepsakeError `ERR_OPTIONS` when `config.cache.tags(request)` returns a non-string.
 *
 * @example
 * ```ts
 * entryTags(request, state); // ['reports', 'keepsake:path:/reports/2024']
 * ```
 */
export function entryTags(request: FastifyRequest, state: RequestState): string[] {
  const own = state.route.options.tags;
  const tags = typeof own === 'function' ? [...own(request)] : own === undefined ? [] : [...own];
  if (tags.some((t) => typeof t !== 'string')) {
    throw new KeepsakeError('ERR_OPTIONS', 'config.cache.tags(request) must return strings', {
      hint: "e.g. (req) => ['user:' + req.params.id]",
    });
  }
  if (state.tags !== undefined) tags.push(...state.tags);
  tags.push(PATH_TAG + canonicalPath(request.url));
  return tags;
}

/**
 * The tags `app.keepsake.invalidate(target)` drops: `target.tags` and the path tag of
 * `target.url`.
 * @throws KeepsakeError `ERR_OPTIONS` when `target` is not `{ tags?: string[], url?: string }`.
 *
 * @example
 * ```ts
 * targetTags({ tags: ['reports'], url: '/reports/2024' });
 * // ['reports', 'keepsake:path:/reports/2024']
 * ```
 */
export function targetTags(target: InvalidateTarget): string[] {
  if (typeof target !== 'object' || target === null) {
    throw invalidateError('an object { tags?, url? }');
  }
  const tags = target.tags ?? [];
  if (!Array.isArray(tags) || tags.some((t) => typeof t !== 'string')) {
    throw invalidateError('`tags` as an array of strings');
  }
  const all = [...tags];
  if (target.url !== undefined) {
    if (typeof target.url !== 'string') throw invalidateError('`url` as a string');
    all.push(PATH_TAG + canonicalPath(target.url));
  }
  return all;
}

function invalidateError(wanted: string): KeepsakeError {
  return new KeepsakeError('ERR_OPTIONS', `app.keepsake.invalidate() needs ${wanted}`, {
    hint: "e.g. invalidate({ tags: ['reports'], url: '/reports/2024' })",
  });
}
