/**
 * The path of a value the key encoder cannot key, for its error message: `$.users[3].onClick`.
 */

const IDENT = /^[A-Za-z_$][\w$]*$/;

/**
 * Where the failing value sits, as `$.users[3].onClick`: found on the error path only, by
 * looking up each container on the stack in its parent, so the hot path tracks no names.
 * `stack[from, to)` holds the enclosing containers, outermost first; `part` is the index of the
 * hashKey part being encoded, or -1 for a single part.
 *
 * @example
 * ```ts
 * const users = [{}, {}, {}, { onClick }];
 * pathTo([{ users }, users, users[3]], 0, 3, -1, onClick); // '$.users[3].onClick'
 * ```
 */
export function pathTo(
  stack: readonly unknown[],
  from: number,
  to: number,
  part: number,
  failing: unknown,
): string {
  let p = part >= 0 ? `$[${part}]` : '$';
  for (let i = from; i < to; i++) {
    const parent = stack[i] as object;
    const child = i + 1 < to ? stack[i + 1] : failing;
    // A registered instance encoding its own fields sits on the stack twice.
    if (child !== parent) p += segmentOf(parent, child);
  }
  return p;
}

/** The step from `parent` to `child` in a path, or '' where it has no name (a toState). */
function segmentOf(parent: object, child: unknown): string {
  if (Array.isArray(parent)) {
    const i = parent.indexOf(child);
    return i >= 0 ? `[${i}]` : '';
  }
  if (parent instanceof Map || parent instanceof Set) {
    let i = 0;
    for (const [k, v] of parent.entries()) {
      if (parent instanceof Set) {
        if (v === child) return `<setItem ${i}>`;
      } else if (k === child) return `<mapKey ${i}>`;
      else if (v === child) return `<mapValue ${i}>`;
      i++;
    }
    return '';
  }
  if (parent instanceof Error) {
    if (Object.hasOwn(parent, 'cause') && parent.cause === child) return '.cause';
    if (parent instanceof AggregateError && parent.errors === child) return '.errors';
  }
  for (const k of Object.keys(parent).sort()) {
    if ((parent as Record<string, unknown>)[k] === child) {
      return IDENT.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`;
    }
  }
  return '';
}
