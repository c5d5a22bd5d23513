import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { bundleScript } from '../helpers/bundle.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Runs the child to the end and returns its printed result. */
function run(script: string, args: string[]): Promise<{ result: number; startedAt: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.on('exit', (code) => {
      if (code === 0) resolve(JSON.parse(out.trim()) as { result: number; startedAt: number });
      else reject(new Error(`child exited ${code}: ${err}`));
    });
  });
}

// Four real processes call one memoized function over one disk folder at the same moment:
// with `disk: { lock: true }` one computes and the others wait for its stored result (the
// sync path sleeps the thread between polls, the async path awaits).
describe('memoize with disk: { lock: true } across processes', () => {
  /** Four children call at one moment; returns their results, start times and the runs. */
  async function race(mode: string, lock: string) {
    const dir = mkdtempSync(path.join(tmpdir(), 'keepsake-memo-lock-'));
    dirs.push(dir);
    const runs = path.join(dir, 'runs.log');
    writeFileSync(runs, '');
    const script = await bundleScript(
      fileURLToPath(new URL('./helpers/locked-child.ts', import.meta.url)),
    );
    // Far enough ahead for every child to start and load on a busy machine.
    const at = String(Date.now() + 3_000);
    const results = await Promise.all(
      [1, 2, 3, 4].map(() => run(script, [path.join(dir, 'cache'), runs, at, mode, lock])),
    );
    const runStarts = readFileSync(runs, 'utf8').trim().split('\n').map(Number);
    return { results, runStarts };
  }

  for (const mode of ['sync', 'async']) {
    it(`4 processes calling a ${mode} function at once: one computation, four results`, async () => {
      const { results, runStarts } = await race(mode, 'lock');
      expect(results.map((r) => r.result)).toEqual([49, 49, 49, 49]);
      expect(runStarts).toHaveLength(1);
      // Every child called while the one computation (1.5 s) was still running: they waited.
      for (const r of results) expect(r.startedAt).toBeLessThan(runStarts[0]! + 1_500);
    }, 60_000);
  }

  it('without the lock the same race computes in more than one process (the control)', async () => {
    const { results, runStarts } = await race('async', 'no-lock');
    expect(results.map((r) => r.result)).toEqual([49, 49, 49, 49]);
    expect(runStarts.length).toBeGreaterThan(1);
  }, 60_000);
});
