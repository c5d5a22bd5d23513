/**
 * Defining (not assigning) decoded fields: a key read from the bytes must never reach a setter
 * on the prototype chain, `__proto__` included.
 */

/**
 * Defines `obj[key] = value` as an own writable, configurable data property.
 *
 * @example
 * ```ts
 * const obj = {};
 * defineField(obj, '__proto__', { admin: true }); // an own property; the prototype is untouched
 * defineField(err, 'message', 'boom', false); // as Error's own message: not enumerable
 * ```
 */
export function defineField(obj: object, key: string, value: unknown, enumerable = true): void {
  Object.defineProperty(obj, key, { value, enumerable, writable: true, configurable: true });
}
