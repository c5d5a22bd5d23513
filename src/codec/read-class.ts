/**
 * The decoder's readers for values that go through the registry: instances of registered
 * classes (with version migration) and registered functions. Only names are read from the
 * bytes; what they resolve to comes from this process's registry, never from the payload.
 *
 * ```text
 * 0xac instance  class ref, varint version, mode byte, state
 *                  mode 0: any value (given by toState)   mode 1: own fields as an object body
 *                  class ref = varint 0 then the name as a string, or id + 1 for a name seen before
 * 0xb0 function  wire name as a string
 * ```
 */
import { KeepsakeError } from '../errors.js';
import { corrupt } from './corrupt.js';
import type { Decoder } from './decoder.js';
import { defineField } from './define-field.js';
import { type ClassEntry, classNamed, functionNamed } from './registry.js';

/**
 * The `ERR_UNKNOWN_CLASS` error for a stored class name this process has not registered.
 *
 * @example
 * ```ts
 * if (entry === undefined && !d.plainUnknown) throw unknownClassError(name);
 * ```
 */
export function unknownClassError(name: string): KeepsakeError {
  return new KeepsakeError(
    'ERR_UNKNOWN_CLASS',
    `the stored value holds an instance of class "${name}", which is not registered`,
    {
      hint: `call registerClass(YourClass, { name: '${name}' }) before loading, or pass { unknownClass: 'plain' }`,
    },
  );
}

/**
 * Reads a class ref: 0 then a new name (it gets the next id), or id + 1 of a name read before.
 *
 * @throws KeepsakeError `ERR_CORRUPT` for a ref to a name not read yet.
 * @example
 * ```ts
 * const name = readClassName(d); // 'Point', the first time spelled out, then by its id
 * ```
 */
export function readClassName(d: Decoder): string {
  const ref = d.varint();
  if (ref === 0) {
    const name = d.expectString();
    d.classNames.push(name);
    return name;
  }
  const name = d.classNames[ref - 1];
  if (name === undefined) throw corrupt('unknown class reference');
  return name;
}

/**
 * Reads a class instance (after the 0xac tag). With `unknownClass: 'plain'` an unregistered
 * class comes back as its state.
 *
 * @throws KeepsakeError `ERR_UNKNOWN_CLASS`, `ERR_MIGRATION`, `ERR_CORRUPT`.
 * @example
 * ```ts
 * case T_CLASS: return readInstance(this);
 * ```
 */
export function readInstance(d: Decoder): unknown {
  const name = readClassName(d);
  const version = d.varint();
  d.need(1);
  const mode = d.buf[d.pos++];
  if (mode !== 0 && mode !== 1) throw corrupt('unknown class state mode');
  const entry = classNamed(name);
  if (entry === undefined) {
    if (!d.plainUnknown) throw unknownClassError(name);
    if (mode === 1) return d.body({}, true);
    const at = d.refs.push(undefined) - 1;
    const state = d.value();
    d.refs[at] = state;
    return state;
  }
  const instance = Object.create(entry.ctor.prototype as object) as Record<string, unknown>;
  if (mode === 1 && version === entry.version && entry.plainState) {
    return d.body(instance, true);
  }
  // The state is read before the instance can be built: a cycle back to it meets the
  // placeholder, which then takes on the built instance's fields.
  const at = d.refs.push(instance) - 1;
  d.pending ??= new Set();
  d.pendingUsed ??= new Set();
  d.pending.add(instance);
  let state = mode === 1 ? d.body({}, false) : d.value();
  d.pending.delete(instance);
  state = migrate(entry, state, version);
  if (entry.plainState) {
    if (state !== null && typeof state === 'object') {
      for (const key of Object.keys(state)) {
        defineField(instance, key, (state as Record<string, unknown>)[key]);
      }
    }
    return instance;
  }
  const built = userHook(entry, 'fromState', () => entry.fromState(state));
  if (!d.pendingUsed.has(instance)) {
    d.refs[at] = built;
    return built;
  }
  Object.defineProperties(instance, Object.getOwnPropertyDescriptors(built));
  return instance;
}

/**
 * Reads a registered function (after the 0xb0 tag): its wire name, looked up in the registry.
 *
 * @throws KeepsakeError `ERR_UNKNOWN_FUNCTION` when the name is not registered here.
 * @example
 * ```ts
 * case T_FUNCTION: return readFunction(this);
 * ```
 */
export function readFunction(d: Decoder): Function {
  const name = d.expectString();
  const fn = functionNamed(name);
  if (fn === undefined) {
    throw new KeepsakeError(
      'ERR_UNKNOWN_FUNCTION',
      `the stored value refers to function "${name}", which is not registered`,
      { hint: `call registerFunction(fn, '${name}') before loading` },
    );
  }
  return fn;
}

/** Runs `migrate[k]` for each version from the stored one up to the registered one. */
function migrate(entry: ClassEntry, state: unknown, from: number): unknown {
  if (from === entry.version) return state;
  if (from > entry.version) {
    throw new KeepsakeError(
      'ERR_MIGRATION',
      `class "${entry.name}" was stored at version ${from}, newer than the registered version ${entry.version}`,
      { hint: 'load it with the newer code that wrote it, or recompute the value' },
    );
  }
  for (let v = from; v < entry.version; v++) {
    const step = entry.migrate[v];
    if (step === undefined) {
      throw new KeepsakeError(
        'ERR_MIGRATION',
        `class "${entry.name}" has no migration from version ${v} (stored at ${from}, registered ${entry.version})`,
        { hint: `add migrate: { ${v}: (old) => newState } to registerClass(${entry.ctor.name})` },
      );
    }
    const before = state;
    state = userHook(entry, `migrate[${v}]`, () => step(before));
  }
  return state;
}

/**
 * Runs a class's own `fromState` or `migrate` step. What it throws is its error, not damaged
 * bytes (the checksum already held): `ERR_MIGRATION` with the class, the hook and the error as
 * `cause`, rather than the `ERR_CORRUPT` any other throw inside a decode becomes.
 */
function userHook<T>(entry: ClassEntry, hook: string, run: () => T): T {
  try {
    return run();
  } catch (cause) {
    if (cause instanceof KeepsakeError) throw cause;
    throw new KeepsakeError(
      'ERR_MIGRATION',
      `class "${entry.name}": ${hook} threw on a stored state (${String((cause as Error)?.message ?? cause)})`,
      {
        cause,
        hint: `the bytes are intact: make ${hook} of registerClass(${entry.ctor.name}) accept this state, or recompute the value`,
      },
    );
  }
}
