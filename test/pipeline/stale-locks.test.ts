import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { pipeline } from '../../src/index.js';
import { HEARTBEAT_MS, PROCESS_ID, STALE_MS, startTicks } from '../../src/pipeline/step-lock.js';

let dir: string;
let stepDir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'keepsake-locks-'));
  stepDir = path.join(dir, 'default', 'load');
  mkdirSync(stepDir, { recursive: true });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The pid of a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '0']);
  return child.pid!;
}

function writeLock(text: string, ageMs = 0): void {
  const file = path.join(stepDir, 'lock');
  writeFileSync(file, text);
  const at = (Date.now() - ageMs) / 1000;
  utimesSync(file, at, at);
}

/** Starts a step and checks that 300 ms later it is still waiting for the lock. */
async function waitsForLock(): Promise<{ result: Promise<string> }> {
  let ran = false;
  const result = pipeline({ dir }).step('load', () => {
    ran = true;
    return 'ran';
  });
  await new Promise((r) => setTimeout(r, 300));
  expect(ran).toBe(false);
  return { result }; // in an object: an async function returning a promise would adopt it
}

const lockFile = () => path.join(stepDir, 'lock');

describe('step locks left behind', () => {
  it('a lock whose holder process is gone is taken over', async () => {
    writeLock(JSON.stringify({ pid: deadPid(), host: hostname(), at: Date.now() }));
    expect(await pipeline({ dir }).step('load', () => 'ran')).toBe('ran');
    expect(existsSync(path.join(stepDir, 'lock'))).toBe(false);
  });

  it('an empty lock (a run killed between create and write) is taken over once it is old', async () => {
    writeLock('', 10 * 60_000);
    expect(await pipeline({ dir }).step('load', () => 'ran')).toBe('ran');
  });

  it('an unreadable lock that is still fresh is waited for, not taken at once', async () => {
    writeLock('');
    const { result } = await waitsForLock();
    rmSync(lockFile());
    expect(await result).toBe('ran');
  });

  it("a lock with this process's pid written by an earlier process (a restarted container) is taken over", async () => {
    const host = hostname();
    writeLock(JSON.stringify({ pid: process.pid, host, at: Date.now(), id: 't1' }));
    expect(await pipeline({ dir }).step('load', () => 'ran')).toBe('ran');
    // An older version wrote no id: with our pid, it cannot be ours either.
    writeLock(JSON.stringify({ pid: process.pid, host, at: Date.now() }));
    expect(await pipeline({ dir }).step('again', () => 'ran')).toBe('ran');
  });

  it.skipIf(process.platform !== 'linux')(
    'a running process other than the one that took the lock (a reused pid) is not its holder',
    async () => {
      const other = spawn('sleep', ['30']);
      try {
        await new Promise((r) => other.once('spawn', r));
        const ticks = startTicks(other.pid!);
        const host = hostname();
        writeLock(JSON.stringify({ pid: other.pid, host, at: Date.now(), id: 't1' }));
        expect(await pipeline({ dir }).step('load', () => 'ran')).toBe('ran');
        // The very process that took it: the step waits for it.
        rmSync(path.join(dir, 'default'), { recursive: true });
        mkdirSync(stepDir, { recursive: true });
        writeLock(JSON.stringify({ pid: other.pid, host, at: Date.now(), id: `t${ticks}` }));
        const { result } = await waitsForLock();
        other.kill('SIGKILL');
        expect(await result).toBe('ran');
      } finally {
        other.kill('SIGKILL');
      }
    },
  );

  it('a lock from another host is waited for while fresh, taken over once stale', async () => {
    const lock = JSON.stringify({ pid: 1, host: 'elsewhere', at: Date.now(), id: 't1' });
    writeLock(lock);
    const { result } = await waitsForLock();
    // Older than any clock skew explains (else: unchanged for STALE_MS by our own clock).
    writeLock(lock, STALE_MS + 10 * 60_000);
    expect(await result).toBe('ran');
  });

  it("a foreign lock whose mtime stops changing is taken over after STALE_MS of this process's clock, whatever the holder's clock says", async () => {
    vi.useFakeTimers({ toFake: ['performance'] });
    try {
      // Stamped by a clock ten minutes ahead of ours.
      const lock = JSON.stringify({ pid: 1, host: 'elsewhere', at: Date.now(), id: 't1' });
      writeLock(lock, -10 * 60_000);
      const { result } = await waitsForLock();
      vi.advanceTimersByTime(STALE_MS);
      expect(await result).toBe('ran');
    } finally {
      vi.useRealTimers();
    }
  });

  it('drafts left by killed processes are removed once the lock is taken; fresh ones are kept', async () => {
    const old = path.join(stepDir, 'lock.draft-t1-0');
    writeFileSync(old, '{}');
    const past = (Date.now() - 120_000) / 1000;
    utimesSync(old, past, past);
    writeFileSync(path.join(stepDir, 'lock.draft-t2-0'), '{}');
    await pipeline({ dir }).step('load', () => 1);
    const left = readdirSync(stepDir).filter((n) => n.startsWith('lock'));
    expect(left).toEqual(['lock.draft-t2-0']);
  });

  it('a holder refreshes its lock while its step runs', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      let finish = () => {};
      let started = () => {};
      const running = new Promise<void>((resolve) => (started = resolve));
      const result = pipeline({ dir }).step(
        'load',
        () =>
          new Promise<string>((resolve) => {
            finish = () => resolve('ran');
            started();
          }),
      );
      // The step runs once the lock is in place and its heartbeat started. (Waiting for the
      // heartbeat alone raced the step's start: finish() could come before the step had run.)
      await running;
      expect(vi.getTimerCount()).toBeGreaterThan(0);
      expect(JSON.parse(readFileSync(lockFile(), 'utf8'))).toMatchObject({
        pid: process.pid,
        id: PROCESS_ID,
      });
      const old = (Date.now() - 60_000) / 1000;
      utimesSync(lockFile(), old, old);
      vi.advanceTimersByTime(HEARTBEAT_MS);
      while (Date.now() - statSync(lockFile()).mtimeMs > 10_000) {
        await new Promise((r) => setTimeout(r, 5));
      }
      finish();
      expect(await result).toBe('ran');
      expect(existsSync(lockFile())).toBe(false);
    } finally {
      vi.useRealTimers();
    }
  });

  it('a checkpoint folder that cannot be created is ERR_IO with a hint, not a wait', async () => {
    const file = path.join(dir, 'not-a-folder');
    writeFileSync(file, '');
    const failure = await pipeline({ dir: file })
      .step('load', () => 1)
      .catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'ERR_IO', hint: expect.any(String) });
  });

  it('a finished step leaves no lock or draft behind', async () => {
    await pipeline({ dir }).step('load', () => 1);
    const run = pipeline({ dir });
    for await (const _ of run.each('each', [1, 2], (x) => x));
    const names = [...readdirSync(stepDir), ...readdirSync(path.join(dir, 'default', 'each'))];
    expect(names.filter((n) => n.startsWith('lock'))).toEqual([]);
  });
});
