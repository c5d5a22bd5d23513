/**
 * The encoder's writers for values that go through the registry: instances of registered
 * classes and registered functions. Only their wire names are written, never code.
 *
 * ```text
 * 0xac instance  class ref, varint version, mode byte, state
 *                  mode 0: the value toState returns   mode 1: own fields as an object
 *                  class ref = varint 0 then the name as a string, or id + 1 for a name seen before
 * 0xb0 function  wire name as a string
 * ```
 */
import type { Encoder } from './encoder.js';
import { T_CLASS, T_FUNCTION } from './format.js';
import { type ClassEntry, functionName } from './registry.js';
import { UnserializableValue } from './unserializable-value.js';

/**
 * Writes an instance of the registered class `entry`: its own fields when the class keeps
 * the default state, else whatever its `toState` returns.
 *
 * @example
 * ```ts
 * const entry = classOf(v.constructor);
 * if (entry !== undefined) writeInstance(encoder, v, entry);
 * ```
 */
export function writeInstance(e: Encoder, v: object, entry: ClassEntry): void {
  e.byte(T_CLASS);
  e.classRef(entry.name);
  e.varint(entry.version);
  if (entry.plainState) {
    e.byte(1);
    e.fields(v as Record<string, unknown>);
  } else {
    e.byte(0);
    e.value(entry.toState(v));
  }
}

/**
 * Writes a registered function as its wire name.
 *
 * @throws UnserializableValue for a function that was not registered.
 * @example
 * ```ts
 * registerFunction(slugify, 'text.slugify');
 * writeFunction(encoder, slugify); // 0xb0 then 'text.slugify'
 * ```
 */
export function writeFunction(e: Encoder, fn: Function): void {
  const name = functionName(fn);
  if (name === undefined) {
    throw new UnserializableValue(fn, `an unregistered function${fn.name ? ` (${fn.name})` : ''}`);
  }
  e.byte(T_FUNCTION);
  e.string(name);
}
