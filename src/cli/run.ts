import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { KeepsakeError } from '../errors.js';
import { defaultCacheDir } from '../stores/disk/default-cache-dir.js';
import { commandWord, parseCommandArgs, stringFlag } from './args.js';
import { clear } from './clear.js';
import { CliError, EXIT } from './cli-error.js';
import type { CliIo, Command } from './command.js';
import { inspect } from './inspect.js';
import { ls } from './ls.js';
import { pipelineStatus } from './pipeline-status.js';
import { prune } from './prune.js';
import { stats } from './stats.js';
import { verify } from './verify.js';

/** Every subcommand, in the order `--help` lists them. */
export const COMMANDS: readonly Command[] = [
  stats,
  ls,
  inspect,
  verify,
  prune,
  clear,
  pipelineStatus,
];

const GLOBAL_HELP = `Global options:
  --dir DIR   the disk cache folder (default: $KEEPSAKE_CACHE_DIR, else
              node_modules/.cache/keepsake of the nearest project, else the user's
              cache folder)
  --json      print one JSON document instead of text (sizes in bytes, times in epoch ms)
  -h, --help  show help

Exit codes: 0 ok, 1 usage error or not found, 2 corruption found.`;

/**
 * The top-level usage: every command and the global flags.
 *
 * @example
 * ```ts
 * process.stderr.write(usageText());
 * ```
 */
export function usageText(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const list = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n');
  return `Usage: keepsake <command> [options]

Inspect and maintain a keepsake disk cache, and show checkpointed pipelines.

Commands:
${list}

${GLOBAL_HELP}

Run \`keepsake <command> --help\` for a command's options.
`;
}

function commandHelp(command: Command): string {
  return `Usage: ${command.usage}\n\n${command.summary}.\n\n${command.help}\n\n${GLOBAL_HELP}\n`;
}

/** This package's version, from the nearest package.json above this file (src or dist). */
function version(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'keepsake') return pkg.version ?? 'unknown';
    }
    const up = path.dirname(dir);
    if (up === dir) return 'unknown';
    dir = up;
  }
}

/**
 * Prints an error as one line plus a hint line. A `KeepsakeError` keeps its code; any other
 * error is unexpected and prints its stack only with `KEEPSAKE_DEBUG=1`.
 */
function report(io: CliIo, error: unknown, command: Command | undefined, json: boolean): number {
  const debug = process.env.KEEPSAKE_DEBUG === '1';
  let message: string;
  let hint: string | undefined;
  let code: string | undefined;
  let exitCode: number = EXIT.USAGE;
  if (error instanceof CliError) {
    message = error.message;
    hint = error.hint;
    exitCode = error.exitCode;
  } else if (error instanceof KeepsakeError) {
    // The message ends with ". Hint: <hint>": print the hint on its own line instead.
    message = error.hint ? error.message.slice(0, -`. Hint: ${error.hint}`.length) : error.message;
    hint = error.hint;
    code = error.code;
  } else {
    message = `unexpected error: ${error instanceof Error ? error.message : String(error)}`;
    hint = debug ? undefined : 'run again with KEEPSAKE_DEBUG=1 for the stack trace';
  }
  if (json) writeErrorJson(io, { message, hint: hint ?? null, code: code ?? null });
  io.err(`keepsake: ${code ? `${code}: ` : ''}${message}\n`);
  if (hint) io.err(`hint: ${hint}\n`);
  if (error instanceof CliError && error.usage) {
    io.err(`usage: ${command?.usage ?? 'keepsake <command> [options]'}\n`);
  }
  if (debug && error instanceof Error && error.stack) io.err(`${error.stack}\n`);
  return exitCode;
}

function writeErrorJson(
  io: CliIo,
  error: { message: string; hint: string | null; code: string | null },
) {
  io.out(`${JSON.stringify({ error }, null, 2)}\n`);
}

/**
 * Runs the `keepsake` command line `argv` (without `node` and the script) and resolves to
 * the exit code; never throws and never exits the process.
 *
 * @example
 * ```ts
 * const code = await run(['stats', '--dir', '/tmp/cache', '--json'], io);
 * ```
 */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  let command: Command | undefined;
  let json = argv.includes('--json');
  try {
    const word = commandWord(argv);
    if (word === undefined) {
      if (argv.includes('--version')) {
        io.out(`${version()}\n`);
        return EXIT.OK;
      }
      if (argv.includes('--help') || argv.includes('-h')) {
        io.out(usageText());
        return EXIT.OK;
      }
      io.err(usageText());
      return EXIT.USAGE;
    }
    if (word.name === 'help') {
      const about = COMMANDS.find((c) => c.name === argv[word.index + 1]);
      io.out(about === undefined ? usageText() : commandHelp(about));
      return EXIT.OK;
    }
    command = COMMANDS.find((c) => c.name === word.name);
    if (command === undefined) {
      io.err(`keepsake: unknown command "${word.name}"\n\n${usageText()}`);
      return EXIT.USAGE;
    }
    const rest = [...argv.slice(0, word.index), ...argv.slice(word.index + 1)];
    const { values, positionals } = parseCommandArgs(command, rest);
    json = values.json === true;
    if (values.help === true) {
      io.out(commandHelp(command));
      return EXIT.OK;
    }
    const dirFlag = stringFlag(values, 'dir');
    const dir = path.resolve(dirFlag ?? defaultCacheDir());
    return await command.run({ values, positionals, dir, json, io });
  } catch (error) {
    return report(io, error, command, json);
  }
}
