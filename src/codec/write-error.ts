/**
 * The encoder's writer for Error values: kind, optional registered class, name, message,
 * stack, cause, AggregateError's errors, and any other own fields.
 *
 * ```text
 * 0xa7  kind byte (ERROR_KINDS), class flag: 0, or 1 then a class ref,
 *       flags byte (1 message, 2 stack, 4 cause, 8 errors), name string,
 *       then as flagged: message string, stack string, cause value, errors value,
 *       varint n, n times (key string, value) for the other own fields
 * ```
 */
import type { Encoder } from './encoder.js';
import { ERROR_KINDS, T_ERROR } from './format.js';
import type { ClassEntry } from './registry.js';

const errorKinds = ERROR_KINDS.map((ctor) => ctor.prototype as object);

/** The kind byte: the nearest built-in Error class on the prototype chain (0, Error, if none). */
function errorKindOf(err: object): number {
  let proto: object | null = Object.getPrototypeOf(err);
  while (proto !== null) {
    const kind = errorKinds.indexOf(proto);
    if (kind !== -1) return kind;
    proto = Object.getPrototypeOf(proto);
  }
  return 0;
}

/**
 * Writes an Error; `entry` is its registered class, if any (only the class name is stored:
 * errors always travel as their fields, never through `toState`).
 *
 * @example
 * ```ts
 * writeError(encoder, new RangeError('too big', { cause: 42 }), undefined);
 * ```
 */
export function writeError(e: Encoder, err: Error, entry: ClassEntry | undefined): void {
  e.byte(T_ERROR);
  e.byte(errorKindOf(err));
  if (entry === undefined) e.byte(0);
  else {
    e.byte(1);
    e.classRef(entry.name);
  }
  const message = Object.getOwnPropertyDescriptor(err, 'message');
  const stack = Object.getOwnPropertyDescriptor(err, 'stack');
  const hasMessage = typeof message?.value === 'string';
  const hasStack = typeof stack?.value === 'string';
  const hasCause = Object.hasOwn(err, 'cause');
  const hasErrors = err instanceof AggregateError && Object.hasOwn(err, 'errors');
  e.byte((hasMessage ? 1 : 0) | (hasStack ? 2 : 0) | (hasCause ? 4 : 0) | (hasErrors ? 8 : 0));
  e.string(String(err.name));
  if (hasMessage) e.string(message!.value as string);
  if (hasStack) e.string(stack!.value as string);
  if (hasCause) e.value((err as { cause?: unknown }).cause);
  if (hasErrors) e.value((err as AggregateError).errors);
  const skip = (k: string) =>
    (k === 'message' && hasMessage) ||
    (k === 'stack' && hasStack) ||
    (k === 'cause' && hasCause) ||
    (k === 'errors' && hasErrors);
  const keys = Object.keys(err).filter((k) => !skip(k));
  e.varint(keys.length);
  for (const k of keys) {
    e.string(k);
    e.value((err as unknown as Record<string, unknown>)[k]);
  }
}
