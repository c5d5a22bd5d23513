import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

/** Runs an example the way the README says, and returns what it printed. */
async function example(file: string, env: Record<string, string> = {}): Promise<string> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', path.join('examples', file)], {
    env: { ...process.env, ...env },
    timeout: 120_000,
  });
  return stdout;
}

// The README shows each of these; running them here keeps it from rotting.
describe('every example in examples/ runs and says what the README says', () => {
  it('codec.ts', async () => {
    const out = await example('codec.ts');
    expect(out).toContain('total is a Money again: true');
    expect(out).toContain('records read back in order: 0, 1, 2');
  });

  it('memoize.ts', async () => {
    const out = await example('memoize.ts');
    expect(out).toContain('1000 concurrent calls, 1 fetch');
  });

  it('pipeline.ts', async () => {
    const out = await example('pipeline.ts');
    expect(out).toContain('run 2: total 84591.00, computed nothing (all from checkpoints)');
  });

  it('fastify-server.ts', async () => {
    const out = await example('fastify-server.ts', { KEEPSAKE_SELF_TEST: '1' });
    expect(out).toMatch(/MISS[\s\S]*HIT/);
  });

  it('redis-two-nodes.ts', async () => {
    const out = await example('redis-two-nodes.ts');
    expect(out).toContain('B: HIT from redis');
  });

  it('demo.ts (npm run demo)', async () => {
    const out = await example('demo.ts');
    expect(out).toContain('from memory');
    expect(out).toContain('read from disk, not computed');
    expect(out).toMatch(/second GET \/report: HIT/);
    expect(out).toContain('second run: 0 steps and items computed');
  });
});
