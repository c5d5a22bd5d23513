import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const script = path.resolve('test/pipeline/helpers/run-pipeline.ts');
const root = mkdtempSync(path.join(tmpdir(), 'keepsake-crash-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const ITEMS = 40;
const expected = Array.from({ length: ITEMS }, (_, i) => i * i);

function start(dir: string, log: string): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', script, dir, log, String(ITEMS), '2'], {
    stdio: 'ignore',
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.on('exit', (code) => resolve(code)));
}

function logLines(log: string): string[] {
  return existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
}

/** One trial: run, SIGKILL after `delay` ms, then rerun to the end and check everything. */
async function trial(i: number, delay: number): Promise<void> {
  const dir = path.join(root, `run-${i}`);
  const crashLog = path.join(root, `crash-${i}.log`);
  const child = start(dir, crashLog);
  const done = exited(child);
  await new Promise((r) => setTimeout(r, delay));
  child.kill('SIGKILL');
  await done;
  // What the killed run had recorded: items logged AND durably recorded are never redone.
  const beforeRerun = logLines(crashLog);
  const rerunLog = path.join(root, `rerun-${i}.log`);
  expect(await exited(start(dir, rerunLog))).toBe(0);
  const result = JSON.parse(readFileSync(`${rerunLog}.result`, 'utf8')) as {
    out: number[];
    total: number;
  };
  expect(result.out).toEqual(expected);
  expect(result.total).toBe(expected.reduce((a, b) => a + b, 0));
  const redone = logLines(rerunLog)
    .filter((l) => l.startsWith('item:'))
    .map((l) => Number(l.slice(5)));
  const crashedItems = beforeRerun
    .filter((l) => l.startsWith('item:'))
    .map((l) => Number(l.slice(5)));
  // Items are recorded in order right after they run: at most the one in flight is redone.
  if (redone.length > 0) expect(redone[0]!).toBeGreaterThanOrEqual(Math.max(-1, ...crashedItems));
  expect(new Set(redone).size).toBe(redone.length);
  // A finished load step is never run again.
  if (beforeRerun.includes('item:0')) expect(logLines(rerunLog)).not.toContain('step:load');
}

describe('SIGKILL during step and each, then rerun', () => {
  it('50 kills at random moments: every rerun gives the crash-free result, no recorded item redone', async () => {
    const trials = Array.from({ length: 50 }, (_, i) => i);
    // Two at a time: the machine has two cores.
    for (let i = 0; i < trials.length; i += 2) {
      await Promise.all(
        trials.slice(i, i + 2).map((t) => trial(t, 300 + Math.floor(Math.random() * 900))),
      );
    }
  }, 600_000);
});
