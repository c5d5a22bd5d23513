/**
 * A strict structural equality for codec round-trips. vitest's `toEqual` treats -0 as 0, holes as
 * `undefined`, ignores prototypes and shared identity; this one does not:
 * - primitives compare with `Object.is` (so -0 !== 0, NaN === NaN);
 * - prototypes must be the same object (null-prototype stays null, classes are restored);
 * - arrays compare `length` and their own keys, so a hole is not an `undefined`;
 * - identity is a bijection: if `a.x === a.y` then `b.x === b.y`, and two distinct objects in
 *   `a` must not collapse into one in `b` (cycles are handled by the same map);
 * - wrapper objects, Date, RegExp, Map, Set, Error, ArrayBuffer, typed arrays, DataView compare
 *   their internal state; typed arrays compare their bytes (NaN payloads included).
 *
 * The walk is iterative, so deep values do not overflow the stack here.
 * Returns `null` when equal, else a human-readable path and reason.
 */
export function diff(a: unknown, b: unknown): string | null {
  const aToB = new Map<object, object>();
  const bToA = new Map<object, object>();
  const stack: Array<[unknown, unknown, string]> = [[a, b, '$']];
  while (stack.length > 0) {
    const [x, y, path] = stack.pop()!;
    const problem = compareOne(x, y, path, aToB, bToA, stack);
    if (problem !== null) return problem;
  }
  return null;
}

/** Throws with the diff when `a` and `b` are not strictly structurally equal. */
export function assertSame(actual: unknown, expected: unknown): void {
  const d = diff(expected, actual);
  if (d !== null) throw new Error(`values differ: ${d}`);
}

function isObj(v: unknown): v is object {
  return (typeof v === 'object' && v !== null) || typeof v === 'function';
}

const TypedArray = Object.getPrototypeOf(Int8Array) as Function;

function bytesOf(v: ArrayBufferView | ArrayBuffer): Uint8Array {
  if (v instanceof ArrayBuffer) return new Uint8Array(v);
  return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
}

function sameBytes(x: Uint8Array, y: Uint8Array): boolean {
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

function tag(v: object): string {
  return Object.prototype.toString.call(v);
}

function compareOne(
  x: unknown,
  y: unknown,
  path: string,
  aToB: Map<object, object>,
  bToA: Map<object, object>,
  stack: Array<[unknown, unknown, string]>,
): string | null {
  if (!isObj(x) || !isObj(y)) {
    if (isObj(x) !== isObj(y)) return `${path}: one is an object, the other is ${String(y)}`;
    if (typeof x !== typeof y) return `${path}: typeof ${typeof x} vs ${typeof y}`;
    if (!Object.is(x, y)) return `${path}: ${describe(x)} vs ${describe(y)}`;
    return null;
  }
  // identity bijection
  const seenB = aToB.get(x);
  const seenA = bToA.get(y);
  if (seenB !== undefined || seenA !== undefined) {
    if (seenB !== y || seenA !== x) return `${path}: shared reference / cycle identity not kept`;
    return null;
  }
  aToB.set(x, y);
  bToA.set(y, x);

  if (typeof x === 'function' || typeof y === 'function') {
    return x === y ? null : `${path}: functions are not the same function`;
  }
  if (Object.getPrototypeOf(x) !== Object.getPrototypeOf(y)) {
    return `${path}: prototype differs (${protoName(x)} vs ${protoName(y)})`;
  }
  if (tag(x) === '[object Error]' && tag(y) !== tag(x)) {
    return `${path}: the loaded error is not a native Error (no [[ErrorData]]: Object.prototype.toString gives ${tag(y)}, util.types.isNativeError is false)`;
  }
  if (tag(x) !== tag(y)) return `${path}: ${tag(x)} vs ${tag(y)}`;

  const t = tag(x);
  let skipKeys: Set<string> = new Set();
  switch (t) {
    case '[object Number]':
    case '[object String]':
    case '[object Boolean]':
    case '[object BigInt]':
    case '[object Symbol]': {
      const xv = (x as { valueOf(): unknown }).valueOf();
      const yv = (y as { valueOf(): unknown }).valueOf();
      if (!Object.is(xv, yv)) return `${path}: boxed ${describe(xv)} vs ${describe(yv)}`;
      if (t === '[object String]') {
        // a String object has own index keys and length; only compare extra keys
        skipKeys = new Set(Object.keys(x).filter((k) => /^\d+$/.test(k)));
      }
      break;
    }
    case '[object Date]': {
      const xt = (x as Date).getTime();
      const yt = (y as Date).getTime();
      if (!Object.is(xt, yt)) return `${path}: Date ${xt} vs ${yt}`;
      break;
    }
    case '[object RegExp]': {
      const xr = x as RegExp;
      const yr = y as RegExp;
      if (xr.source !== yr.source || xr.flags !== yr.flags) {
        return `${path}: RegExp /${xr.source}/${xr.flags} vs /${yr.source}/${yr.flags}`;
      }
      skipKeys = new Set(['lastIndex']);
      break;
    }
    case '[object Map]': {
      const xm = [...(x as Map<unknown, unknown>)];
      const ym = [...(y as Map<unknown, unknown>)];
      if (xm.length !== ym.length) return `${path}: Map size ${xm.length} vs ${ym.length}`;
      for (let i = xm.length - 1; i >= 0; i--) {
        stack.push([xm[i]![1], ym[i]![1], `${path}<map value ${i}>`]);
        stack.push([xm[i]![0], ym[i]![0], `${path}<map key ${i}>`]);
      }
      break;
    }
    case '[object Set]': {
      const xs = [...(x as Set<unknown>)];
      const ys = [...(y as Set<unknown>)];
      if (xs.length !== ys.length) return `${path}: Set size ${xs.length} vs ${ys.length}`;
      for (let i = xs.length - 1; i >= 0; i--) stack.push([xs[i], ys[i], `${path}<set ${i}>`]);
      break;
    }
    case '[object ArrayBuffer]': {
      if (!sameBytes(bytesOf(x as ArrayBuffer), bytesOf(y as ArrayBuffer))) {
        return `${path}: ArrayBuffer bytes differ`;
      }
      break;
    }
    case '[object DataView]': {
      if (!sameBytes(bytesOf(x as DataView), bytesOf(y as DataView))) {
        return `${path}: DataView bytes differ`;
      }
      break;
    }
    case '[object Error]': {
      const xe = x as Error & { errors?: unknown };
      const ye = y as Error & { errors?: unknown };
      if (xe.name !== ye.name) return `${path}: Error name ${xe.name} vs ${ye.name}`;
      if (xe.message !== ye.message) return `${path}: Error message differs`;
      if (xe.stack !== ye.stack) return `${path}: Error stack differs`;
      if ('cause' in xe !== 'cause' in ye) return `${path}: Error cause presence differs`;
      if ('cause' in xe) stack.push([xe.cause, ye.cause, `${path}.cause`]);
      if (x instanceof AggregateError || Object.hasOwn(x, 'errors')) {
        stack.push([xe.errors, ye.errors, `${path}.errors`]);
      }
      skipKeys = new Set(['stack', 'message', 'cause', 'errors']);
      break;
    }
    default:
      if (ArrayBuffer.isView(x)) {
        if (!(x instanceof TypedArray) && !(x instanceof DataView)) break;
        const xv = x as ArrayBufferView;
        const yv = y as ArrayBufferView;
        if ((xv as { length?: number }).length !== (yv as { length?: number }).length) {
          return `${path}: typed array length differs`;
        }
        if (!sameBytes(bytesOf(xv), bytesOf(yv))) return `${path}: typed array bytes differ`;
        skipKeys = new Set(Object.keys(x).filter((k) => /^\d+$/.test(k)));
      }
  }

  if (Array.isArray(x)) {
    const ya = y as unknown[];
    if (x.length !== ya.length) return `${path}: array length ${x.length} vs ${ya.length}`;
  }
  const xk = Object.keys(x).filter((k) => !skipKeys.has(k));
  const yk = Object.keys(y).filter((k) => !skipKeys.has(k));
  if (xk.length !== yk.length || xk.some((k, i) => k !== yk[i])) {
    return `${path}: own keys [${xk.slice(0, 10).join(',')}] vs [${yk.slice(0, 10).join(',')}]`;
  }
  for (let i = xk.length - 1; i >= 0; i--) {
    const k = xk[i]!;
    const dx = Object.getOwnPropertyDescriptor(x, k)!;
    const dy = Object.getOwnPropertyDescriptor(y, k)!;
    if (!('value' in dy)) return `${path}.${k}: came back as an accessor`;
    stack.push([dx.value ?? (x as Record<string, unknown>)[k], dy.value, `${path}.${k}`]);
  }
  return null;
}

function protoName(v: object): string {
  const p = Object.getPrototypeOf(v) as { constructor?: { name?: string } } | null;
  if (p === null) return 'null';
  return p.constructor?.name ?? '?';
}

function describe(v: unknown): string {
  if (typeof v === 'number' && Object.is(v, -0)) return '-0';
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v);
  return String(v);
}
