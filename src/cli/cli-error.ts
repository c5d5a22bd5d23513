/**
 * Exit codes a script can rely on: `0` done, `1` a usage error or something not found (a
 * missing cache, key or pipeline), `2` corruption found (`verify`, `inspect`, or an index file
 * that is not one).
 *
 * @example
 * ```ts
 * process.exitCode = corrupt > 0 ? EXIT.CORRUPT : EXIT.OK;
 * ```
 */
export const EXIT = { OK: 0, USAGE: 1, CORRUPT: 2 } as const;

/** Options of {@link CliError}. */
export interface CliErrorOptions {
  /** One sentence on what to do about it, printed on its own line. */
  hint?: string;
  /** The process exit code. @default 1 ({@link EXIT}.USAGE) */
  exitCode?: number;
  /** Print the usage of the command after the message (a bad flag, a missing argument). */
  usage?: boolean;
  cause?: unknown;
}

/**
 * A failure the command reports in one line plus a hint, never with a stack trace. The
 * library's own `KeepsakeError` is printed the same way; anything else is a bug and shows its
 * stack only with `KEEPSAKE_DEBUG=1`.
 *
 * @example
 * ```ts
 * throw new CliError('no keepsake cache in /tmp/x', { hint: 'pass --dir DIR' });
 * ```
 */
export class CliError extends Error {
  readonly hint: string | undefined;
  readonly exitCode: number;
  readonly usage: boolean;

  constructor(message: string, options: CliErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? EXIT.USAGE;
    this.usage = options.usage ?? false;
  }

  override get name(): string {
    return 'CliError';
  }
}
