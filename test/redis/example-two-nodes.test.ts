import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { SHARED_URL } from './helpers/shared.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

it('examples/redis-two-nodes.ts runs: a HIT on B for A value, an invalidation on A seen on B', async () => {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', 'examples/redis-two-nodes.ts'],
    { cwd: root, env: { ...process.env, REDIS_URL: SHARED_URL }, timeout: 30_000 },
  );
  expect(stdout).toContain('B: HIT from redis');
  expect(stdout).toContain('B: gone from its memory too');
  expect(stdout.trim().endsWith('ok')).toBe(true);
}, 40_000);
