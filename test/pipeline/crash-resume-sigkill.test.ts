import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleScript } from '../helpers/bundle.js';

const script = path.resolve('test/pipeline/helpers/run-pipeline.ts');
const root = mkdtempSync(path.join(tmpdir(), 'keepsake-crash-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

// 40 items of 4 ms each (~160 ms of `each`) after a load step of 200 ms.
const ITEMS = 40;
const WORK_MS = 4;
const expected = Array.from({ length: ITEMS }, (_, i) => i * i);

async function start(dir: string, log: string): Promise<ChildProcess> {
  const file = await bundleScript(script);
  return spawn(process.execPath, [file, dir, log, String(ITEMS), String(WORK_MS)], {
    stdio: 'ignore',
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.on('exit', (code) => resolve(code)));
}

/** A rerun that does not finish (a lock nobody can take, say) fails the trial in a minute. */
async function rerunExit(child: ChildProcess, dir: string): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const stuck = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      child.kill('SIGKILL');
      const files = readdirSync(dir, { recursive: true }).join(', ');
      reject(new Error(`the rerun did not finish in 60 s; its folder holds: ${files}`));
    }, 60_000);
  });
  try {
    return await Promise.race([exited(child), stuck]);
  } finally {
    clearTimeout(timer);
  }
}

function logLines(log: string): string[] {
  return existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
}

/** Resolves once the child's log shows `marker`: the phase to kill in has begun. */
async function reached(log: string, marker: string, child: ChildProcess): Promise<boolean> {
  while (child.exitCode === null) {
    if (logLines(log).includes(marker)) return true;
    await new Promise((r) => setTimeout(r, 2));
  }
  return false;
}

/** One trial: SIGKILL at a random moment of a phase, rerun to the end, check everything. */
async function trial(i: number, marker: string, window: number): Promise<void> {
  const dir = path.join(root, `run-${marker}-${i}`);
  const crashLog = path.join(root, `crash-${marker}-${i}.log`);
  const child = await start(dir, crashLog);
  const done = exited(child);
  if (await reached(crashLog, marker, child)) {
    await new Promise((r) => setTimeout(r, Math.random() * window));
    child.kill('SIGKILL');
  }
  await done;
  const crashed = logLines(crashLog);
  const rerunLog = path.join(root, `rerun-${marker}-${i}.log`);
  expect(await rerunExit(await start(dir, rerunLog), dir)).toBe(0);
  const result = JSON.parse(readFileSync(`${rerunLog}.result`, 'utf8')) as {
    out: number[];
    total: number;
  };
  // Exactly what a crash-free run gives.
  expect(result.out).toEqual(expected);
  expect(result.total).toBe(expected.reduce((a, b) => a + b, 0));
  const items = (lines: string[]) =>
    lines.filter((l) => l.startsWith('item:')).map((l) => Number(l.slice(5)));
  const before = items(crashed);
  const redone = items(logLines(rerunLog));
  // Items run and are recorded in input order, one at a time: only the item in flight at
  // the kill (the last one logged, if its record had not been written) may run again.
  const last = before.length === 0 ? -1 : Math.max(...before);
  expect(redone.every((x) => x >= last)).toBe(true);
  expect(new Set(redone).size).toBe(redone.length);
  // Once `each` had started, the load step was checkpointed and is never run again.
  if (before.length > 0) expect(logLines(rerunLog)).not.toContain('step:load');
}

async function trials(marker: string, window: number): Promise<void> {
  // Two at a time: the machine has two cores.
  for (let i = 0; i < 50; i += 2)
    await Promise.all([trial(i, marker, window), trial(i + 1, marker, window)]);
}

describe('SIGKILL at random points, then rerun', () => {
  it('50 kills during a step: the rerun gives the crash-free result', async () => {
    await trials('step:load', 250);
  }, 600_000);

  it('50 kills during each: the rerun gives the crash-free result, no recorded item redone', async () => {
    await trials('item:0', 200);
  }, 600_000);
});
