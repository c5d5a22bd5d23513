import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pipeline } from '../../src/index.js';

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

describe('step locks left behind', () => {
  it('a lock whose holder process is gone is taken over', async () => {
    writeLock(JSON.stringify({ pid: deadPid(), host: hostname(), at: Date.now() }));
    expect(await pipeline({ dir }).step('load', () => 'ran')).toBe('ran');
    expect(existsSync(path.join(stepDir, 'lock'))).toBe(false);
  });

  it('an empty lock (a run killed between create and write) is taken over once it is old', async () => {
    writeLock('', 60_000);
    expect(await pipeline({ dir }).step('load', () => 'ran')).toBe('ran');
  });

  it('an unreadable lock that is still fresh is waited for, not taken at once', async () => {
    writeLock('');
    let ran = false;
    const result = pipeline({ dir }).step('load', () => {
      ran = true;
      return 'ran';
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(ran).toBe(false);
    rmSync(path.join(stepDir, 'lock'));
    expect(await result).toBe('ran');
  });

  it('drafts of dead processes are removed when their lock is taken over; a live one is kept', async () => {
    const dead = deadPid();
    writeLock(JSON.stringify({ pid: dead, host: hostname(), at: Date.now() }));
    writeFileSync(path.join(stepDir, `lock.draft-${dead}-0`), '{}');
    writeFileSync(path.join(stepDir, `lock.draft-${process.ppid}-0`), '{}');
    await pipeline({ dir }).step('load', () => 1);
    const left = readdirSync(stepDir).filter((n) => n.startsWith('lock'));
    expect(left).toEqual([`lock.draft-${process.ppid}-0`]);
  });

  it('a finished step leaves no lock or draft behind', async () => {
    await pipeline({ dir }).step('load', () => 1);
    const run = pipeline({ dir });
    for await (const _ of run.each('each', [1, 2], (x) => x));
    const names = [...readdirSync(stepDir), ...readdirSync(path.join(dir, 'default', 'each'))];
    expect(names.filter((n) => n.startsWith('lock'))).toEqual([]);
  });
});
