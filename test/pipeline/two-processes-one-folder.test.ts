import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleScript } from '../helpers/bundle.js';

const script = path.resolve('test/pipeline/helpers/run-pipeline.ts');
const root = mkdtempSync(path.join(tmpdir(), 'keepsake-two-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function run(dir: string, log: string): Promise<number | null> {
  const file = await bundleScript(script);
  const child = spawn(process.execPath, [file, dir, log, '30', '5'], {
    stdio: 'ignore',
  });
  return new Promise((resolve) => child.on('exit', resolve));
}

describe('two processes, one pipeline folder', () => {
  it('one runs each step, the other reuses its checkpoints; both get the same result', async () => {
    const dir = path.join(root, 'shared');
    const logA = path.join(root, 'a.log');
    const logB = path.join(root, 'b.log');
    expect(await Promise.all([run(dir, logA), run(dir, logB)])).toEqual([0, 0]);
    const a = JSON.parse(readFileSync(`${logA}.result`, 'utf8'));
    const b = JSON.parse(readFileSync(`${logB}.result`, 'utf8'));
    expect(a).toEqual(b);
    const lines = (file: string) =>
      existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
    const all = [...lines(logA), ...lines(logB)];
    expect(all.filter((l) => l === 'step:load')).toHaveLength(1);
    const items = all.filter((l) => l.startsWith('item:'));
    expect(new Set(items).size).toBe(30);
    expect(items).toHaveLength(30);
  }, 120_000);
});
