import { classOf } from './registry.js';

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

function step(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return IDENTIFIER.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

/** The children of a value as the encoder visits them, each with its path. */
function* children(v: object, path: string): Generator<[unknown, string]> {
  if (Array.isArray(v)) {
    for (const key of Object.keys(v)) {
      const index = Number(key);
      if (String(index) === key) yield [v[index], step(path, index)];
    }
    return;
  }
  if (v instanceof Map) {
    let i = 0;
    for (const [k, value] of v) {
      yield [k, `${path}.keys()[${i}]`];
      yield [value, `${path}.get(${typeof k === 'string' ? JSON.stringify(k) : `<key ${i}>`})`];
      i++;
    }
    return;
  }
  if (v instanceof Set) {
    let i = 0;
    for (const value of v) yield [value, `${path}.values()[${i++}]`];
    return;
  }
  if (ArrayBuffer.isView(v) || v instanceof Date || v instanceof RegExp) return;
  if (v instanceof Error) {
    const err = v as Error & { cause?: unknown; errors?: unknown };
    if (Object.hasOwn(err, 'cause')) yield [err.cause, `${path}.cause`];
    if (Object.hasOwn(err, 'errors')) yield [err.errors, `${path}.errors`];
  }
  const proto = Object.getPrototypeOf(v) as object | null;
  const ctor = proto && Object.hasOwn(proto, 'constructor') ? proto.constructor : undefined;
  const entry = typeof ctor === 'function' ? classOf(ctor) : undefined;
  if (entry && !entry.plainState && !(v instanceof Error)) {
    yield [entry.toState(v), `${path}<state>`];
    return;
  }
  for (const key of Object.keys(v)) {
    yield [(v as Record<string, unknown>)[key], step(path, key)];
  }
}

/**
 * Finds where `target` sits inside `root`, as a path like `$.users[3].onClick`. Only used to
 * explain an error, so it walks the value again (iteratively: deep values must not overflow).
 *
 * @example
 * ```ts
 * pathTo({ users: [{ onClick: fn }] }, fn); // '$.users[0].onClick'
 * ```
 */
export function pathTo(root: unknown, target: unknown): string {
  if (root === target) return '$';
  const seen = new Set<object>();
  const stack: Array<[unknown, string]> = [[root, '$']];
  while (stack.length > 0) {
    const [value, path] = stack.pop()!;
    if (value === null || typeof value !== 'object' || seen.has(value)) continue;
    seen.add(value);
    const found: Array<[unknown, string]> = [];
    for (const [child, childPath] of children(value, path)) {
      if (child === target) return childPath;
      found.push([child, childPath]);
    }
    for (let i = found.length - 1; i >= 0; i--) stack.push(found[i]!);
  }
  return '$';
}
