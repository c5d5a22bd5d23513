import { describe, expect, it } from 'vitest';
import type { PipelineReport } from '../../src/cli/pipeline-status.js';
import { pipeline } from '../../src/pipeline.js';
import { keepsake, parseJson, useTmp } from './helpers.js';

const tmp = useTmp();

describe('keepsake pipeline status', () => {
  it('shows every pipeline under a folder as a table, and as JSON', async () => {
    const dir = tmp();
    const run = pipeline({ dir, name: 'nightly report' });
    const rows = await run.step('load', () => [1, 2, 3], { inputs: ['sales.csv'] });
    const squares: number[] = [];
    for await (const y of run.each('square', rows, (x) => x * x)) squares.push(y);
    await pipeline({ dir, name: 'other' }).step('only', () => 'x');

    const [text, json, missing] = await Promise.all([
      keepsake(['pipeline', 'status', dir]),
      keepsake(['pipeline', 'status', dir, '--name', 'nightly report', '--json']),
      keepsake(['pipeline', 'status', dir, '--name', 'absent']),
    ]);

    expect(text.code).toBe(0);
    const lines = text.stdout.split('\n');
    expect(lines[0]).toMatch(/^pipeline nightly report {2}\(.*nightly%20report\)$/);
    expect(lines[1]).toMatch(/^STEP\s+STATE\s+STARTED\s+DURATION\s+SIZE\s+ITEMS\s+INPUTS$/);
    expect(lines[2]).toMatch(/^load\s+done\s+.*\s+-\s+[0-9a-f]{12}$/);
    expect(lines[3]).toMatch(/^square\s+done\s+.*\s+3\s+[0-9a-f]{12}$/);
    expect(text.stdout).toMatch(/^pipeline other {2}/m);

    expect(json.code).toBe(0);
    const report = parseJson<{ pipelines: PipelineReport[] }>(json);
    expect(report.pipelines).toHaveLength(1);
    expect(report.pipelines[0]!.name).toBe('nightly report');
    expect(report.pipelines[0]!.steps).toEqual([
      expect.objectContaining({ name: 'load', state: 'done', inputs: expect.any(String) }),
      expect.objectContaining({ name: 'square', state: 'done', items: 3 }),
    ]);

    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no pipeline "absent"/);
  });

  it('says why a failed step failed, below the table and in the JSON', async () => {
    const dir = tmp();
    const run = pipeline({ dir });
    await expect(run.step('fetch', () => Promise.reject(new Error('HTTP 503')))).rejects.toThrow();
    const [text, json] = await Promise.all([
      keepsake(['pipeline', 'status', dir]),
      keepsake(['pipeline', 'status', dir, '--json']),
    ]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^fetch\s+failed\s/m);
    expect(text.stdout).toMatch(/^failed:\n {2}fetch: Error: HTTP 503$/m);
    const report = parseJson<{ pipelines: PipelineReport[] }>(json);
    expect(report.pipelines[0]!.steps[0]).toMatchObject({
      state: 'failed',
      error: 'Error: HTTP 503',
    });
  });
});
