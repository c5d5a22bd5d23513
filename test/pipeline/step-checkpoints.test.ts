import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isKeepsakeError, pipeline } from '../../src/index.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'keepsake-pipeline-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('pipeline steps', () => {
  it('a completed step returns its checkpoint without running', async () => {
    let runs = 0;
    const first = await pipeline({ dir }).step('load', () => ++runs);
    const second = await pipeline({ dir }).step('load', () => ++runs);
    expect([first, second, runs]).toEqual([1, 1, 1]);
  });

  it('a changed input or version reruns the step, and the steps that take its result', async () => {
    const log: string[] = [];
    const runOnce = async (file: string, version: number) => {
      const run = pipeline({ dir, name: 'p' });
      const rows = await run.step('load', () => (log.push('load'), [file.length]), {
        inputs: [file],
      });
      return run.step('sum', () => (log.push('sum'), rows[0]! * version), {
        inputs: [rows],
        version,
      });
    };
    expect(await runOnce('a.csv', 1)).toBe(5);
    expect(await runOnce('a.csv', 1)).toBe(5);
    expect(log).toEqual(['load', 'sum']);
    expect(await runOnce('bb.csv', 1)).toBe(6);
    expect(log).toEqual(['load', 'sum', 'load', 'sum']);
    expect(await runOnce('bb.csv', 2)).toBe(12);
    expect(log).toEqual(['load', 'sum', 'load', 'sum', 'sum']);
  });

  it('a step that throws leaves no checkpoint and reports failed', async () => {
    const run = pipeline({ dir });
    await expect(run.step('boom', () => Promise.reject(new Error('no')))).rejects.toThrow('no');
    expect((await run.status()).find((s) => s.name === 'boom')?.state).toBe('failed');
    expect(await run.step('boom', () => 'fixed')).toBe('fixed');
    expect((await run.status()).find((s) => s.name === 'boom')?.state).toBe('done');
  });

  it("a step's own error reaches the caller even when its failure cannot be recorded", async () => {
    const run = pipeline({ dir, name: 'p' });
    const lost = run.step('doomed', () => {
      // The step's folder becomes a file: writing its failed status now fails (ENOTDIR/EEXIST).
      const folder = path.join(dir, 'p', 'doomed');
      rmSync(folder, { recursive: true, force: true });
      writeFileSync(folder, 'not a folder');
      throw new Error('the step itself failed');
    });
    await expect(lost).rejects.toThrow('the step itself failed');
  });

  it('results of any codec type round-trip, a large typed array included', async () => {
    const big = new Float64Array(2_000_000).map((_, i) => i / 3);
    const value = { big, when: new Date(0), ids: new Set([1n, 2n]), m: new Map([[{ k: 1 }, 'v']]) };
    await pipeline({ dir }).step('rich', () => value);
    const back = await pipeline({ dir }).step('rich', (): typeof value => {
      throw new Error('must not run');
    });
    expect(back.big).toBeInstanceOf(Float64Array);
    expect(back.big[1_999_999]).toBe(1_999_999 / 3);
    expect(back.ids).toEqual(new Set([1n, 2n]));
    expect([...back.m.keys()][0]).toEqual({ k: 1 });
  });

  it('status lists every step with its state, size and fingerprint; reset forgets', async () => {
    const run = pipeline({ dir });
    await run.step('a', () => 'x'.repeat(1000));
    await run.step('b', () => 1, { inputs: [1] });
    const status = await run.status();
    expect(status.map((s) => [s.name, s.state])).toEqual([
      ['a', 'done'],
      ['b', 'done'],
    ]);
    expect(status[0]!.bytes).toBeGreaterThan(1000);
    expect(status[1]!.inputs).toMatch(/^[0-9a-f]{32}$/);
    expect(status[0]!.durationMs).toBeGreaterThanOrEqual(0);
    await run.reset('a');
    expect((await run.status()).map((s) => s.name)).toEqual(['b']);
    await run.reset();
    expect(await run.status()).toEqual([]);
  });

  it('a corrupted checkpoint is detected and the step reruns; other steps keep theirs', async () => {
    const run = pipeline({ dir, name: 'c' });
    let runs = 0;
    await run.step('x', () => ({ n: ++runs }));
    await run.step('y', () => 'kept');
    const stepDir = path.join(dir, 'c', 'x');
    const result = readdirSync(stepDir).find((f) => f.startsWith('result-'))!;
    const bytes = readFileSync(path.join(stepDir, result));
    bytes[bytes.length - 1]! ^= 0xff;
    writeFileSync(path.join(stepDir, result), bytes);
    expect(await run.step('x', () => ({ n: ++runs }))).toEqual({ n: 2 });
    expect(await run.step('y', () => 'rerun')).toBe('kept');
  });

  it('bad arguments are ERR_OPTIONS', () => {
    expect(() => pipeline({} as never)).toThrowError(
      expect.objectContaining({ code: 'ERR_OPTIONS' }),
    );
    const run = pipeline({ dir });
    return run
      .step('', () => 1)
      .then(
        () => expect.unreachable(),
        (err) => expect(isKeepsakeError(err, 'ERR_OPTIONS')).toBe(true),
      );
  });
});
