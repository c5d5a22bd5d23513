import { KeepsakeError } from '../errors.js';

type Method = (this: unknown, ...args: unknown[]) => unknown;

/**
 * What `memoize(options)` returns: a method decorator that works both as a TC39 (standard)
 * decorator and as a legacy `experimentalDecorators` one.
 *
 * @example
 * ```ts
 * class Prices {
 *   @memoize({ ttl: 60_000 })
 *   quote(sku: string) { return fetchQuote(sku); }
 * }
 * ```
 */
export interface MemoizeDecorator {
  /** TC39 decorators (TypeScript 5 without `experimentalDecorators`). */
  <This, Args extends unknown[], Return>(
    value: (this: This, ...args: Args) => Return,
    context: ClassMethodDecoratorContext<This, (this: This, ...args: Args) => Return>,
  ): (this: This, ...args: Args) => Return;
  /** Legacy decorators (`experimentalDecorators: true`). */
  (
    target: object,
    propertyKey: string | symbol,
    descriptor: PropertyDescriptor,
  ): PropertyDescriptor;
}

function notAMethod(what: string): KeepsakeError {
  return new KeepsakeError('ERR_OPTIONS', `@memoize() decorates methods, not ${what}`, {
    hint: 'put it on a class method, or wrap a function with memoize(fn, options)',
  });
}

/** Builds the dual-mode decorator around `wrapMethod(method, name)`. */
export function memoizeDecorator(
  wrapMethod: (method: Method, name: string) => Method,
): MemoizeDecorator {
  return ((target: unknown, context: unknown, descriptor?: PropertyDescriptor) => {
    if (typeof context === 'object' && context !== null && 'kind' in context) {
      const ctx = context as { kind: string; name: string | symbol };
      if (ctx.kind !== 'method' || typeof target !== 'function') throw notAMethod(`a ${ctx.kind}`);
      return wrapMethod(target as Method, String(ctx.name));
    }
    if (descriptor !== undefined && typeof descriptor.value === 'function') {
      const name = `${(target as { constructor?: { name?: string } }).constructor?.name ?? ''}.${String(context)}`;
      return { ...descriptor, value: wrapMethod(descriptor.value as Method, name) };
    }
    throw notAMethod(descriptor?.get ? 'an accessor' : 'a field or a class');
  }) as MemoizeDecorator;
}
