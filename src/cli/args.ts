import { parseArgs } from 'node:util';
import { CliError } from './cli-error.js';
import type { Command, OptionSpecs } from './command.js';

/**
 * Flags every command takes: the cache folder, machine output, and help.
 *
 * @example
 * ```ts
 * parseArgs({ args, options: { ...GLOBAL_OPTIONS, ...command.options } });
 * ```
 */
export const GLOBAL_OPTIONS = {
  dir: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies OptionSpecs;

/**
 * The command word (the first argument that is not a flag or a global flag's value), so that
 * `keepsake --dir /tmp/c stats` and `keepsake stats --dir /tmp/c` both work.
 *
 * @example
 * ```ts
 * commandWord(['--dir', '/tmp/c', 'ls', '--limit', '5']); // { name: 'ls', index: 2 }
 * ```
 */
export function commandWord(argv: readonly string[]): { name: string; index: number } | undefined {
  const { tokens } = parseArgs({
    args: [...argv],
    options: { ...GLOBAL_OPTIONS, version: { type: 'boolean' } },
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const first = tokens.find((t) => t.kind === 'positional');
  return first === undefined ? undefined : { name: first.value, index: first.index };
}

/** Parsed flags and arguments of one command. */
export interface ParsedArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/**
 * Parses the arguments after removing the command word, strictly: an unknown flag, a missing
 * value or a wrong number of arguments is a usage error (exit 1) naming the problem.
 *
 * @example
 * ```ts
 * parseCommandArgs(ls, ['--limit', '5']); // { values: { limit: '5' }, positionals: [] }
 * ```
 */
export function parseCommandArgs(command: Command, args: readonly string[]): ParsedArgs {
  let parsed: ParsedArgs;
  try {
    const result = parseArgs({
      args: [...args],
      options: { ...GLOBAL_OPTIONS, ...command.options },
      allowPositionals: true,
      strict: true,
    });
    parsed = {
      values: result.values as Record<string, string | boolean | undefined>,
      positionals: result.positionals,
    };
  } catch (error) {
    // parseArgs throws TypeError with code ERR_PARSE_ARGS_*; its message names the flag.
    const message = error instanceof Error ? error.message : String(error);
    throw new CliError(`${command.name}: ${message.replace(/\. To specify .*$/s, '')}`, {
      hint: `see \`keepsake ${command.name} --help\``,
      usage: true,
    });
  }
  if (parsed.values.help === true) return parsed;
  const n = parsed.positionals.length;
  if (n < command.args.min || n > command.args.max) {
    const extra =
      n > command.args.max
        ? `unexpected argument ${JSON.stringify(parsed.positionals[command.args.max])}`
        : 'missing argument';
    throw new CliError(`${command.name}: ${extra}`, {
      hint: `usage: ${command.usage}`,
      usage: true,
    });
  }
  return parsed;
}

/**
 * A whole non-negative number from a flag's text.
 *
 * @throws CliError (exit 1) for anything else.
 * @example
 * ```ts
 * parseCount('20', '--limit'); // 20
 * ```
 */
export function parseCount(text: string, flag: string): number {
  if (!/^\d+$/.test(text.trim())) {
    throw new CliError(`${flag} must be a whole number, got ${JSON.stringify(text)}`, {
      hint: `e.g. ${flag} 20`,
    });
  }
  return Number(text);
}

/**
 * The string value of flag `name`, if given.
 *
 * @example
 * ```ts
 * const limit = stringFlag(values, 'limit'); // '5' | undefined
 * ```
 */
export function stringFlag(
  values: Readonly<Record<string, string | boolean | undefined>>,
  name: string,
): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}
