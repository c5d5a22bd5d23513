import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { bundleScript } from '../../../helpers/bundle.js';

/** Bundles `helpers/<script>` (see test/helpers/bundle.ts for why). */
function bundle(script: string): Promise<string> {
  return bundleScript(fileURLToPath(new URL(script, import.meta.url)));
}

/** Starts `helpers/<script>` in a real Node process (`process.execPath`), optionally as `uid`. */
export async function startChild(
  script: string,
  args: string[],
  options: { uid?: number } = {},
): Promise<ChildProcess> {
  const file = await bundle(script);
  return spawn(process.execPath, [file, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.uid === undefined ? {} : { uid: options.uid, gid: options.uid }),
  });
}

/** Resolves with the child's first stdout line; rejects if it exits first. */
export function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(out.slice(0, nl));
    });
    child.on('exit', (code, signal) => {
      if (!out.includes('\n')) reject(new Error(`child exited ${code ?? signal}: ${err}`));
    });
  });
}

/** Resolves when the child has exited. */
export function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.on('exit', () => resolve());
  });
}
