import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

describe('two Fastify instances sharing one Redis', () => {
  it('a response computed on A is a HIT on B, and an invalidation on A is seen on B', async () => {
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', 'examples/redis-two-fastify.ts'],
      { timeout: 60_000 },
    );
    expect(stdout).toContain('A: MISS, rendered by A');
    expect(stdout).toContain('B: HIT, rendered by A');
    expect(stdout).toMatch(/A invalidated "reports" \(\d+\); B: MISS, rendered by B/);
    expect(stdout.trim().endsWith('ok')).toBe(true);
  }, 90_000);
});
