import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));

describe('examples/fastify-server.ts', () => {
  it('starts, serves a MISS then a HIT over a real socket, and exits', async () => {
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', 'examples/fastify-server.ts'],
      {
        cwd: root,
        env: { ...process.env, KEEPSAKE_SELF_TEST: '1' },
        timeout: 60_000,
      },
    );
    expect(stdout).toContain('first:  MISS');
    expect(stdout).toContain('second: HIT');
    expect(stdout).toContain('self-test ok');
  }, 90_000);
});
