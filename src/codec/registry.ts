import { KeepsakeError } from '../errors.js';

/**
 * A class constructor keepsake can register: anything with a `prototype`.
 *
 * @example
 * ```ts
 * function registerAll(classes: Constructor[]): void {
 *   for (const ctor of classes) registerClass(ctor, { name: `app.${ctor.name}` });
 * }
 * ```
 */
// biome-ignore lint/suspicious/noExplicitAny: constructors of any signature are accepted
export type Constructor<T = object> = abstract new (...args: any[]) => T;

/**
 * How instances of a registered class travel: the `__getstate__` / `__setstate__` pair of
 * Python's pickle, plus a version and the steps that bring an old state up to date.
 *
 * @example
 * ```ts
 * const options: RegisterClassOptions<Money> = {
 *   name: 'billing.Money',
 *   toState: (m) => [m.cents, m.currency],
 *   fromState: (state) => new Money(...(state as [number, string])),
 * };
 * registerClass(Money, options);
 * ```
 */
export interface RegisterClassOptions<T = object> {
  /** Stable wire name. Stored with every instance; renaming the class in code keeps it working.
   * @default ctor.name */
  name?: string;
  /** The version of the state `toState` writes. Bump it when the state's shape changes and add
   * a `migrate` step from the old version. @default 1 */
  version?: number;
  /** `__getstate__`: what to store for an instance. @default its own enumerable fields */
  toState?(obj: T): unknown;
  /** `__setstate__`: rebuild an instance from a state of the current version.
   * @default `Object.create(ctor.prototype)` with the state's fields assigned */
  fromState?(state: unknown): T;
  /** `migrate[k]` turns a state written at version `k` into one of version `k + 1`. */
  // biome-ignore lint/suspicious/noExplicitAny: an old state has whatever shape it had
  migrate?: Record<number, (oldState: any) => unknown>;
}

/** A registered class as the codec and the key hasher see it. */
export interface ClassEntry {
  readonly ctor: Constructor;
  readonly name: string;
  readonly version: number;
  /** true when neither `toState` nor `fromState` was given: state is the own enumerable fields. */
  readonly plainState: boolean;
  toState(obj: object): unknown;
  fromState(state: unknown): object;
  readonly migrate: Readonly<Record<number, (oldState: unknown) => unknown>>;
}

const byCtor = new Map<Function, ClassEntry>();
const byName = new Map<string, ClassEntry>();
const fnByValue = new Map<Function, string>();
const fnByName = new Map<string, Function>();

function ownFields(obj: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(obj)) {
    Object.defineProperty(out, k, {
      value: (obj as Record<string, unknown>)[k],
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

/**
 * Registers a class so its instances serialize with their class and come back with their
 * prototype. Registration is by a stable `name`; the same name twice is `ERR_REGISTRY`.
 *
 * @example
 * ```ts
 * class Point { constructor(public x = 0, public y = 0) {} }
 * registerClass(Point, { name: 'geo.Point', version: 2, migrate: { 1: (s) => ({ ...s, y: 0 }) } });
 * deserialize(serialize(new Point(1, 2))) instanceof Point; // true
 * ```
 */
export function registerClass<T extends object>(
  ctor: Constructor<T>,
  options: RegisterClassOptions<T> = {},
): void {
  if (typeof ctor !== 'function' || typeof ctor.prototype !== 'object' || ctor.prototype === null) {
    throw new KeepsakeError('ERR_OPTIONS', 'registerClass expects a class constructor', {
      hint: 'pass the class itself, e.g. registerClass(Point)',
    });
  }
  const name = options.name ?? ctor.name;
  if (!name) {
    throw new KeepsakeError('ERR_OPTIONS', 'registerClass needs a name for an anonymous class', {
      hint: "pass { name: 'my.Class' }",
    });
  }
  const version = options.version ?? 1;
  if (!Number.isSafeInteger(version) || version < 1) {
    throw new KeepsakeError('ERR_OPTIONS', `class "${name}": version must be an integer >= 1`, {
      hint: 'use 1 for the first version and bump it when the state shape changes',
    });
  }
  const existing = byName.get(name);
  if (existing) {
    throw new KeepsakeError(
      'ERR_REGISTRY',
      `a class is already registered under the name "${name}"`,
      {
        hint:
          existing.ctor === ctor
            ? 'register each class once, at module load'
            : "give one of them another name: registerClass(Other, { name: 'pkg.Other' })",
      },
    );
  }
  if (byCtor.has(ctor)) {
    throw new KeepsakeError(
      'ERR_REGISTRY',
      `class ${ctor.name} is already registered as "${byCtor.get(ctor)?.name}"`,
      { hint: 'register each class once, at module load' },
    );
  }
  const proto = ctor.prototype as object;
  const toState = options.toState as ((obj: object) => unknown) | undefined;
  const fromState = options.fromState as ((state: unknown) => object) | undefined;
  const entry: ClassEntry = {
    ctor,
    name,
    version,
    plainState: !toState && !fromState,
    toState: toState ?? ownFields,
    fromState:
      fromState ??
      ((state: unknown) => {
        const obj = Object.create(proto) as object;
        if (state !== null && typeof state === 'object') {
          for (const k of Object.keys(state)) {
            Object.defineProperty(obj, k, {
              value: (state as Record<string, unknown>)[k],
              enumerable: true,
              writable: true,
              configurable: true,
            });
          }
        }
        return obj;
      }),
    migrate: (options.migrate ?? {}) as Record<number, (oldState: unknown) => unknown>,
  };
  byName.set(name, entry);
  byCtor.set(ctor, entry);
}

/**
 * Registers a function so it can travel inside values by name. Its source is never stored:
 * loading looks the name up in this process's registry and never executes stored code.
 *
 * @example
 * ```ts
 * function double(x: number) { return x * 2; }
 * registerFunction(double, 'math.double');
 * deserialize(serialize({ op: double })).op === double; // true
 * ```
 */
export function registerFunction(fn: Function, name?: string): void {
  if (typeof fn !== 'function') {
    throw new KeepsakeError('ERR_OPTIONS', 'registerFunction expects a function', {
      hint: 'pass the function itself, e.g. registerFunction(myFn)',
    });
  }
  const wire = name ?? fn.name;
  if (!wire) {
    throw new KeepsakeError(
      'ERR_OPTIONS',
      'registerFunction needs a name for an anonymous function',
      {
        hint: "pass a name: registerFunction(fn, 'pkg.fn')",
      },
    );
  }
  const existing = fnByName.get(wire);
  if (existing !== undefined || fnByValue.has(fn)) {
    throw new KeepsakeError(
      'ERR_REGISTRY',
      `a function is already registered under "${fnByValue.get(fn) ?? wire}"`,
      {
        hint:
          existing === fn
            ? 'register each function once, at module load'
            : 'give one of them another name',
      },
    );
  }
  fnByName.set(wire, fn);
  fnByValue.set(fn, wire);
}

/** The registered entry for a constructor, if any (internal). */
export function classOf(ctor: Function): ClassEntry | undefined {
  return byCtor.get(ctor);
}

/** The registered entry for a wire name, if any (internal). */
export function classNamed(name: string): ClassEntry | undefined {
  return byName.get(name);
}

/** The wire name of a registered function, if any (internal). */
export function functionName(fn: Function): string | undefined {
  return fnByValue.get(fn);
}

/** The registered function for a wire name, if any (internal). */
export function functionNamed(name: string): Function | undefined {
  return fnByName.get(name);
}
