import { hashKey } from '../key/index.js';

const IDENT = /[\w$]/;
/** After these a `/` starts a regular expression, not a division. */
const REGEX_BEFORE = new Set([...'(,=:[!&|?{};+-*%<>~^', '']);

/**
 * A function's source with comments removed and whitespace reduced to what separates tokens,
 * so an edit to formatting or comments alone keeps the same fingerprint. Strings, template
 * literals and regular expressions are kept exactly.
 *
 * @example
 * ```ts
 * normalizeSource('function f(a) { // add one\n  return a + 1; }');
 * // 'function f(a){return a+1;}'
 * ```
 */
export function normalizeSource(source: string): string {
  let out = '';
  let i = 0;
  let pendingSpace = false;
  let last = '';
  const emit = (text: string) => {
    if (pendingSpace && IDENT.test(last) && IDENT.test(text[0]!)) out += ' ';
    pendingSpace = false;
    out += text;
    last = text[text.length - 1]!;
  };
  while (i < source.length) {
    const c = source[i]!;
    const next = source[i + 1];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      pendingSpace = true;
      i++;
    } else if (c === '/' && next === '/') {
      while (i < source.length && source[i] !== '\n') i++;
      pendingSpace = true;
    } else if (c === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2);
      i = end === -1 ? source.length : end + 2;
      pendingSpace = true;
    } else if (c === '"' || c === "'" || c === '`') {
      const start = i++;
      while (i < source.length && source[i] !== c) i += source[i] === '\\' ? 2 : 1;
      emit(source.slice(start, ++i));
    } else if (c === '/' && REGEX_BEFORE.has(out.trimEnd().slice(-1))) {
      const start = i++;
      let inClass = false;
      while (i < source.length && (source[i] !== '/' || inClass) && source[i] !== '\n') {
        if (source[i] === '\\') i++;
        else if (source[i] === '[') inClass = true;
        else if (source[i] === ']') inClass = false;
        i++;
      }
      i++;
      while (i < source.length && /[a-z]/i.test(source[i]!)) i++;
      emit(source.slice(start, i));
    } else {
      emit(c);
      i++;
    }
  }
  return out;
}

/**
 * The identity of a memoized function in shared tiers: its name, its version and a
 * fingerprint of its code and of the code of `dependsOn`, as joblib.Memory does, so a code
 * change invalidates what the old code stored.
 *
 * @example
 * ```ts
 * functionIdentity(build, { version: 2 }); // 'build@2#5f0c…'
 * ```
 */
export function functionIdentity(
  fn: Function,
  options: { name?: string; version?: string | number; dependsOn?: Function[] },
): string {
  const code = [fn, ...(options.dependsOn ?? [])].map((f) =>
    normalizeSource(Function.prototype.toString.call(f)),
  );
  const name = options.name ?? (fn.name || 'anonymous');
  const version = options.version === undefined ? '' : `@${String(options.version)}`;
  return `${name}${version}#${hashKey(code).slice(0, 16)}`;
}
