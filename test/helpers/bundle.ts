import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const OUT = path.join(ROOT, 'node_modules', '.cache', 'keepsake-tests');
const built = new Map<string, Promise<string>>();
const outputs: string[] = [];
// The bundles are this test process's own (named by pid): remove them when it exits.
process.once('exit', () => {
  for (const file of outputs) fs.rmSync(file, { force: true });
});

/**
 * Bundles a TypeScript child script once per test process into plain JS (LMDB, a native
 * module, stays external). `node --import tsx` costs seconds per start on a busy 2-core
 * machine; the crash tests start hundreds of children, so they run the bundle instead. It
 * lives under the repo's `node_modules/.cache` so that `lmdb` resolves from it.
 */
export function bundleScript(script: string): Promise<string> {
  let out = built.get(script);
  if (out === undefined) {
    const name = path.basename(script).replace(/\.ts$/, '.mjs');
    const outfile = path.join(OUT, `${process.pid}-${outputs.length}-${name}`);
    outputs.push(outfile);
    out = build({
      entryPoints: [script],
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
