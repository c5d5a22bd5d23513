import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** Absolute path of a helper script in this folder. */
export function helperScript(name: string): string {
  return join(here, name);
}

/** Starts `node --import tsx <helper> ...args`. */
export function startHelper(name: string, args: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', helperScript(name), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export interface HelperResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs a helper to completion and collects its output. */
export function runHelper(name: string, args: string[]): Promise<HelperResult> {
  const child = startHelper(name, args);
  return collect(child);
}

export function collect(child: ChildProcess): Promise<HelperResult> {
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
  });
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Resolves once the child printed a line equal to `line` on stdout. */
export function waitForLine(child: ChildProcess, line: string, timeoutMs = 15_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let buf = '';
    let err = '';
    const timer = setTimeout(() => {
      reject(new Error(`child did not print "${line}" in ${timeoutMs} ms; stderr: ${err}`));
    }, timeoutMs);
    child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      err += d;
    });
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      buf += d;
      if (buf.split('\n').includes(line)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`child exited (${code ?? signal}) before "${line}"; stderr: ${err}`));
    });
  });
}

/** SIGKILLs the child and waits for it to be gone. */
export function kill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}
