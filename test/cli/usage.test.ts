import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { keepsake, useTmp } from './helpers.js';

const tmp = useTmp();

describe('keepsake usage and errors', () => {
  it('exits 1 with usage on stderr for no, unknown or misused commands; 0 for --help', async () => {
    const missing = path.join(tmp(), 'nothing-here');
    const junk = tmp();
    fs.writeFileSync(path.join(junk, 'index-v1.mdb'), Buffer.alloc(8192, 0x5a));
    const [none, unknown, badFlag, extra, help, lsHelp, noCache, damaged] = await Promise.all([
      keepsake([]),
      keepsake(['frobnicate']),
      keepsake(['ls', '--bogus']),
      keepsake(['stats', 'extra']),
      keepsake(['--help']),
      keepsake(['ls', '--help']),
      keepsake(['stats', '--dir', missing]),
      keepsake(['stats', '--dir', junk]),
    ]);

    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/^Usage: keepsake <command>/);

    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr).toMatch(/unknown command "frobnicate"[\s\S]*Commands:/);

    expect(badFlag.code).toBe(1);
    expect(badFlag.stderr).toMatch(
      /^keepsake: ls: Unknown option '--bogus'\nhint: .*\nusage: keepsake ls/,
    );

    expect(extra.code).toBe(1);
    expect(extra.stderr).toMatch(/unexpected argument "extra"/);

    expect(help.code).toBe(0);
    for (const cmd of ['stats', 'ls', 'inspect', 'verify', 'prune', 'clear', 'pipeline']) {
      expect(help.stdout).toMatch(new RegExp(`^  ${cmd} `, 'm'));
    }
    expect(lsHelp.code).toBe(0);
    expect(lsHelp.stdout).toMatch(/^Usage: keepsake ls \[--limit N\]/);
    expect(lsHelp.stdout).toContain('--sort ORDER');

    // A missing cache is an error with a hint, not a stack trace, and creates nothing.
    expect(noCache.code).toBe(1);
    expect(noCache.stderr).toMatch(/^keepsake: no keepsake disk cache in .*\nhint: pass --dir/);
    expect(noCache.stderr).not.toMatch(/\n\s+at /);
    expect(fs.existsSync(missing)).toBe(false);

    // Foreign bytes where the index should be: refused before LMDB maps them (it would crash).
    expect(damaged.code).toBe(2);
    expect(damaged.stderr).toMatch(/is not an LMDB index[\s\S]*hint: delete the folder/);
  });
});
