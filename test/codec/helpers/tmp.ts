import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';

/**
 * A fresh temp folder per test, removed after it. Call at the top of a describe/file:
 * `const tmp = useTempDir();` then `tmp.dir` inside tests.
 */
export function useTempDir(prefix = 'keepsake-codec-'): { readonly dir: string } {
  const state = { dir: '' };
  beforeEach(async () => {
    state.dir = await mkdtemp(join(tmpdir(), prefix));
  });
  afterEach(async () => {
    if (state.dir) await rm(state.dir, { recursive: true, force: true });
    state.dir = '';
  });
  return state;
}
