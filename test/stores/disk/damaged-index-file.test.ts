import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCache, diskStore, memoize, memoryStore } from '../../../src/index.js';
import { useTmp } from './helpers/tmp.js';

const tmp = useTmp();

describe('a damaged index file', () => {
  it('is ERR_CORRUPT with a hint, never a crash, and a memoized call still computes', async () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'index-v1.mdb'), Buffer.alloc(8192, 0x41));
    const store = diskStore({ dir });
    expect(() => store.get('k')).toThrowError(expect.objectContaining({ code: 'ERR_CORRUPT' }));
    const cache = createCache({ tiers: [memoryStore(), store] });
    expect(await cache.wrap('k', () => 42)).toBe(42);
    expect(cache.stats().errors).toBeGreaterThan(0);
    const double = memoize((x: number) => x * 2, { disk: { dir } });
    expect(double(21)).toBe(42);
  });

  it.each(['index-v1.mdb', 'index-v1.gate'])(
    '%s does not take the process down (LMDB would segfault on foreign bytes)',
    (name) => {
      const dir = tmp();
      fs.writeFileSync(path.join(dir, name), Buffer.alloc(8192, 0x41));
      const entry = path.resolve('src/index.ts');
      const script = `import { diskStore } from ${JSON.stringify(entry)};
      try { diskStore({ dir: ${JSON.stringify(dir)} }).get('k'); } catch (e) { console.log(e.code); }`;
      const child = spawnSync(
        process.execPath,
        ['--import', 'tsx', '--input-type=module', '-e', script],
        {
          encoding: 'utf8',
        },
      );
      expect(child.status).toBe(0);
      expect(child.stdout.trim()).toBe('ERR_CORRUPT');
    },
  );
});
