import type { ParseArgsConfig } from 'node:util';

/** The `options` of `node:util` `parseArgs`, as each command declares them. */
export type OptionSpecs = NonNullable<ParseArgsConfig['options']>;

/**
 * Where a command writes. Commands never touch `process` directly, so the whole CLI runs
 * in-process in a unit test as well as in a child process.
 *
 * @example
 * ```ts
 * const io: CliIo = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s),
 *   progress: process.stderr.isTTY, columns: process.stderr.columns ?? 80 };
 * ```
 */
export interface CliIo {
  /** Writes to stdout (the command's result). */
  out(text: string): void;
  /** Writes to stderr (errors, warnings, the progress bar). */
  err(text: string): void;
  /** Draw progress bars on stderr: only when it is a terminal, never into a log or a pipe. */
  readonly progress: boolean;
  /** Width of the terminal the progress bar draws in. */
  readonly columns: number;
}

/** What a command is given: its parsed flags and arguments plus the global ones. */
export interface CommandContext {
  readonly values: Readonly<Record<string, string | boolean | undefined>>;
  readonly positionals: readonly string[];
  /** The cache folder: `--dir`, else the disk store's default. */
  readonly dir: string;
  /** `--json`: one JSON document on stdout instead of text. */
  readonly json: boolean;
  readonly io: CliIo;
}

/**
 * One `keepsake` subcommand.
 *
 * @example
 * ```ts
 * export const hello: Command = {
 *   name: 'hello', summary: 'Say hello', usage: 'keepsake hello', help: '', options: {},
 *   args: { min: 0, max: 0 }, run: ({ io }) => { io.out('hello\n'); return 0; },
 * };
 * ```
 */
export interface Command {
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** The synopsis, e.g. `keepsake ls [--limit N] [--sort size|used|created]`. */
  readonly usage: string;
  /** The rest of `--help`: what it does, its flags, an example. */
  readonly help: string;
  /** Its own flags (the global `--dir`, `--json`, `--help` are added). */
  readonly options: OptionSpecs;
  /** How many positional arguments it takes. */
  readonly args: { readonly min: number; readonly max: number };
  /** Runs it; resolves to the exit code. */
  run(context: CommandContext): Promise<number> | number;
}

/**
 * Writes `value` as pretty JSON plus a newline: the `--json` output of every command.
 *
 * @example
 * ```ts
 * writeJson(io, { entries: 3 });
 * ```
 */
export function writeJson(io: CliIo, value: unknown): void {
  io.out(`${JSON.stringify(value, null, 2)}\n`);
}
