#!/usr/bin/env node
/**
 * The `keepsake` executable: runs the command line and sets the exit code. Everything else
 * lives in `run.ts`, which tests call in-process.
 *
 * @example
 * ```sh
 * keepsake stats --dir node_modules/.cache/keepsake
 * ```
 */
import type { CliIo } from './command.js';
import { run } from './run.js';

// `keepsake ls | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const io: CliIo = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
  progress: process.stderr.isTTY === true,
  // 0 when the terminal does not say (e.g. under `script`): assume the classic width.
  columns: process.stderr.columns || 80,
};

// exitCode, not exit(): a pipe still draining stdout must be allowed to finish.
process.exitCode = await run(process.argv.slice(2), io);
