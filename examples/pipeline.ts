/**
 * A checkpointed pipeline: run it twice and the second run skips every step.
 * Run: node --import tsx examples/pipeline.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from '../src/index.js';

const dir = mkdtempSync(path.join(tmpdir(), 'keepsake-pipeline-'));
try {
  for (const attempt of [1, 2]) {
    const ran: string[] = [];
    const run = pipeline({ dir, name: 'sales' });
    const rows = await run.step(
      'load',
      () => {
        ran.push('load');
        return Array.from({ length: 1000 }, (_, i) => ({ id: i, amount: (i % 97) * 1.5 }));
      },
      { inputs: ['sales-2025.csv'] },
    );
    const valid = await run.step(
      'clean',
      () => {
        ran.push('clean');
        return rows.filter((r) => r.amount > 0);
      },
      { inputs: [rows] },
    );
    let total = 0;
    for await (const taxed of run.each(
      'tax',
      valid,
      (row) => {
        ran.push('tax');
        return row.amount * 1.2;
      },
      { key: (row) => row.id },
    )) {
      total += taxed;
    }
    const computed =
      ran.length === 0 ? 'nothing (all from checkpoints)' : `${ran.length} steps/items`;
    console.log(`run ${attempt}: total ${total.toFixed(2)}, computed ${computed}`);
  }
  const status = await pipeline({ dir, name: 'sales' }).status();
  console.log(status.map((s) => `${s.name}: ${s.state}`).join(', '));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
