/**
 * The decoder's reader for Error values. The result is a real Error (`isNativeError`,
 * `[object Error]`) of the stored kind, with a registered subclass's prototype when there is
 * one, built without running any user constructor.
 *
 * ```text
 * 0xa7  kind byte (ERROR_KINDS), class flag: 0, or 1 then a class ref,
 *       flags byte (1 message, 2 stack, 4 cause, 8 errors), name string,
 *       then as flagged: message string, stack string, cause value, errors value,
 *       varint n, n times (key string, value) for the other own fields
 * ```
 */
import { corrupt } from './corrupt.js';
import type { Decoder } from './decoder.js';
import { defineField } from './define-field.js';
import { ERROR_KINDS } from './format.js';
import { readClassName, unknownClassError } from './read-class.js';
import { classNamed } from './registry.js';

/**
 * Reads an Error (after the 0xa7 tag).
 *
 * @throws KeepsakeError `ERR_UNKNOWN_CLASS` for an unregistered subclass (unless
 * `unknownClass: 'plain'`, which keeps the built-in kind), `ERR_CORRUPT`.
 * @example
 * ```ts
 * case T_ERROR: return readError(this);
 * ```
 */
export function readError(d: Decoder): Error {
  d.need(3);
  const kind = ERROR_KINDS[d.buf[d.pos++]!];
  if (kind === undefined) throw corrupt('unknown error kind');
  const hasClass = d.buf[d.pos++];
  let newTarget: Function = kind;
  if (hasClass === 1) {
    const name = readClassName(d);
    const entry = classNamed(name);
    if (entry !== undefined) newTarget = entry.ctor;
    else if (!d.plainUnknown) throw unknownClassError(name);
  } else if (hasClass !== 0) throw corrupt('bad error class flag');
  d.need(1);
  const flags = d.buf[d.pos++]!;
  const name = d.expectString();
  const message = flags & 1 ? d.expectString() : undefined;
  const stack = flags & 2 ? d.expectString() : undefined;
  // A real Error (isNativeError, [object Error]) with the registered prototype, made without
  // running any user constructor: Reflect.construct only takes newTarget's prototype.
  const err = Reflect.construct(kind, kind === AggregateError ? [[]] : [], newTarget) as Error;
  delete (err as { stack?: string }).stack;
  delete (err as { errors?: unknown }).errors;
  d.remember(err);
  if (message !== undefined) defineField(err, 'message', message, false);
  if (stack !== undefined) defineField(err, 'stack', stack, false);
  if (flags & 4) defineField(err, 'cause', d.value(), false);
  if (flags & 8) defineField(err, 'errors', d.value(), false);
  const n = d.varint();
  d.need(n * 2);
  let ownName = false;
  for (let i = 0; i < n; i++) {
    const key = d.expectString();
    if (key === 'name') ownName = true;
    defineField(err, key, d.value());
  }
  if (!ownName && err.name !== name) defineField(err, 'name', name, false);
  return err;
}
