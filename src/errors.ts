/**
 * The stable codes a {@link KeepsakeError} carries. Match on `code`, never on message text.
 *
 * - `ERR_UNSERIALIZABLE`: a value the codec cannot encode (an unregistered function or class,
 *   a Symbol, a WeakMap, a Promise ...).
 * - `ERR_UNKNOWN_CLASS` / `ERR_UNKNOWN_FUNCTION`: a stored value names a class or function that
 *   is not registered in this process.
 * - `ERR_MIGRATION`: a stored class state is older than the registered version and a `migrate`
 *   step is missing, or the class's own `migrate` step or `fromState` threw on it (`cause`).
 * - `ERR_CORRUPT`: bytes that fail their checksum or framing: never decoded into a wrong value.
 * - `ERR_FORMAT`: not keepsake bytes (bad magic) or a format newer than this version reads.
 * - `ERR_OPTIONS`: an option that cannot work, rejected when it is given, never at first use.
 * - `ERR_REGISTRY`: a class or function registered twice under one name.
 * - `ERR_TOO_DEEP`: a value nested deeper than the codec's depth limit.
 * - `ERR_IO`: a file operation failed (the `cause` holds the system error).
 * - `ERR_CLOSED`: a writer, cache or store used after `close()`.
 * - `ERR_TIMEOUT`: a tier did not answer in time.
 * - `ERR_STORE`: a tier failed an operation (the `cause` holds the store's own error).
 * - `ERR_UNAVAILABLE`: a tier refused at once without trying (its circuit breaker is open or
 *   its connection is down). A cache counts these in the tier's `errors` but does not publish
 *   each one on `keepsake:error`: the store reports the outage once, when it starts.
 *
 * @example
 * ```ts
 * const code: KeepsakeErrorCode | undefined = isKeepsakeError(err) ? err.code : undefined;
 * if (code === 'ERR_CORRUPT' || code === 'ERR_FORMAT') await recompute();
 * ```
 */
export type KeepsakeErrorCode =
  | 'ERR_UNSERIALIZABLE'
  | 'ERR_UNKNOWN_CLASS'
  | 'ERR_UNKNOWN_FUNCTION'
  | 'ERR_MIGRATION'
  | 'ERR_CORRUPT'
  | 'ERR_FORMAT'
  | 'ERR_OPTIONS'
  | 'ERR_REGISTRY'
  | 'ERR_TOO_DEEP'
  | 'ERR_IO'
  | 'ERR_CLOSED'
  | 'ERR_TIMEOUT'
  | 'ERR_STORE'
  | 'ERR_UNAVAILABLE';

/**
 * Options of {@link KeepsakeError}: the `cause` it wraps and the hint on how to fix it.
 *
 * @example
 * ```ts
 * throw new KeepsakeError('ERR_STORE', 'bucketStore: write failed', {
 *   cause: err,
 *   hint: 'check that the bucket exists and is writable',
 * });
 * ```
 */
export interface KeepsakeErrorOptions {
  /** The underlying error, kept as the standard `cause`. */
  cause?: unknown;
  /** One sentence that tells the user what to do about it. Appended to the message. */
  hint?: string;
}

/**
 * The one error class keepsake throws. `code` is stable; the message says what happened and,
 * after "Hint:", what to do about it.
 *
 * @example
 * ```ts
 * import { deserialize, KeepsakeError } from 'keepsake';
 * try {
 *   deserialize(new Uint8Array([1, 2, 3]));
 * } catch (err) {
 *   if (err instanceof KeepsakeError && err.code === 'ERR_FORMAT') console.log(err.hint);
 * }
 * ```
 */
export class KeepsakeError extends Error {
  /** Stable machine-readable code, see {@link KeepsakeErrorCode}. */
  readonly code: KeepsakeErrorCode;
  /** What to do about it, also included in `message`. */
  readonly hint: string | undefined;

  constructor(code: KeepsakeErrorCode, message: string, options: KeepsakeErrorOptions = {}) {
    const full = options.hint ? `${message}. Hint: ${options.hint}` : message;
    super(full, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.hint = options.hint;
  }

  override get name(): string {
    return 'KeepsakeError';
  }
}

/**
 * Narrows an unknown value to a {@link KeepsakeError}, optionally of one code.
 *
 * @example
 * ```ts
 * if (isKeepsakeError(err, 'ERR_CORRUPT')) recompute();
 * ```
 */
export function isKeepsakeError(err: unknown, code?: KeepsakeErrorCode): err is KeepsakeError {
  return err instanceof KeepsakeError && (code === undefined || err.code === code);
}
