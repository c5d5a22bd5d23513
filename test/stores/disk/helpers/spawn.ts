import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const OUT = path.join(ROOT, 'node_modules', '.cache', 'keepsake-tests');
const built = new Map<string, Promise<string>>();
const outputs: string[] = [];
// The bundles are this test process's own (named by pid): remove them when it exits.
process.once('exit', () => {
  for (const file of outputs) fs.rmSync(file, { force: true });
});

/**
 * Bundles `helpers/<script>` once per test process into plain JS (LMDB, a native module, stays
 * external). `node --import tsx` costs seconds per start on a busy 2-core machine; the fault
 * tests start hundreds of children, so they run the bundle instead. It lives under the repo's
 * `node_modules/.cache` so that `lmdb` resolves from it.
 */
function bundle(script: string): Promise<string> {
  let out = built.get(script);
  if (out === undefined) {
    const outfile = path.join(OUT, `${process.pid}-${script.replace(/\.ts$/, '.mjs')}`);
    outputs.push(outfile);
    out = build({
      entryPoints: [fileURLToPath(new URL(script, import.meta.url))],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      outfile,
      external: ['lmdb'],
      logLevel: 'error',
    }).then(() => outfile);
    built.set(script, out);
  }
  return out;
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
