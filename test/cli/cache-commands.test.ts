import { describe, expect, it } from 'vitest';
import { createCache } from '../../src/cache.js';
import type { ListedEntry } from '../../src/cli/ls.js';
import type { StatsReport } from '../../src/cli/stats.js';
import { diskStore } from '../../src/stores/disk-store.js';
import { keepsake, parseJson, useTmp } from './helpers.js';

const tmp = useTmp();
const LONG_KEY = `report:${'x'.repeat(600)}`; // stored under a hash in the index

/** A real disk cache: small values in the index, one large value in a file, one expired. */
async function fillCache(dir: string): Promise<void> {
  // Written a minute ago by the writer's clock: 'short' (1 s) is fresh while the writer runs,
  // so no write sweeps it, and expired for the CLI, which reads the real time.
  const then = Date.now() - 60_000;
  const now = () => then;
  const store = diskStore({ dir, now });
  const cache = createCache({ tiers: [store], now });
  await cache.set('user:1', { name: 'Ada', roles: new Set(['admin']) }, { tags: ['users'] });
  await cache.set('short', 'lived', { ttl: 1_000 });
  await cache.set(
    'big',
    new Float64Array(20_000).map((_, i) => i),
  ); // 160 KB: a value file
  await cache.set(LONG_KEY, [1, 2, 3]);
  await cache.close();
}

describe('keepsake stats, ls, inspect', () => {
  it('report the cache as text and as JSON', async () => {
    const dir = tmp();
    await fillCache(dir);
    const [statsJson, statsText, lsJson, lsText] = await Promise.all([
      keepsake(['stats', '--dir', dir, '--json']),
      keepsake(['--dir', dir, 'stats']),
      keepsake(['ls', '--dir', dir, '--json', '--sort', 'size', '--limit', '3']),
      keepsake(['ls', '--dir', dir]),
    ]);

    expect(statsJson.code).toBe(0);
    const stats = parseJson<StatsReport>(statsJson);
    expect(stats).toMatchObject({
      dir,
      entries: 4,
      expired: 1,
      damaged: 0,
      maxBytes: null,
      files: { entries: 1, bytes: expect.any(Number) },
      disk: { blobFiles: 1, orphanFiles: 0 },
    });
    expect(stats.bytes).toBeGreaterThan(160_000);
    expect(stats.oldestCreatedAt).toBeLessThanOrEqual(stats.newestCreatedAt!);

    expect(statsText.code).toBe(0);
    expect(statsText.stdout).toMatch(/^entries\s+4 /m);
    expect(statsText.stdout).toMatch(/^size\s+156 KiB of values/m);
    expect(statsText.stdout).toMatch(/^expired\s+1 /m);

    expect(lsJson.code).toBe(0);
    const listed = parseJson<{ total: number; entries: ListedEntry[] }>(lsJson);
    expect(listed.total).toBe(4);
    expect(listed.entries).toHaveLength(3);
    expect(listed.entries[0]).toMatchObject({ key: 'big', storage: 'file', tags: [] });
    expect(listed.entries.map((e) => e.size)).toEqual(
      [...listed.entries.map((e) => e.size)].sort((a, b) => b - a),
    );

    expect(lsText.code).toBe(0);
    const [header, ...rows] = lsText.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^KEY\s+SIZE\s+CREATED\s+USED\s+EXPIRES\s+TAGS$/);
    expect(rows).toHaveLength(4);
    expect(rows.find((r) => r.startsWith('user:1'))).toMatch(/users$/);
    expect(rows.find((r) => r.startsWith('short'))).toContain('expired');
    expect(rows.find((r) => r.startsWith('report:'))).toContain('…'); // long key shortened
  });

  it('inspect shows metadata and the decoded value; an absent key exits 1', async () => {
    const dir = tmp();
    await fillCache(dir);
    const [user, long, big, absent] = await Promise.all([
      keepsake(['inspect', 'user:1', '--dir', dir]),
      keepsake(['inspect', LONG_KEY, '--dir', dir, '--json']),
      keepsake(['inspect', 'big', '--dir', dir, '--lines', '3']),
      keepsake(['inspect', 'nope', '--dir', dir]),
    ]);

    expect(user.code).toBe(0);
    expect(user.stdout).toMatch(/^tags\s+users$/m);
    expect(user.stdout).toMatch(/^checksum\s+ok$/m);
    expect(user.stdout).toContain("{ name: 'Ada', roles: Set(1) { 'admin' } }");

    expect(long.code).toBe(0);
    expect(parseJson(long)).toMatchObject({
      key: LONG_KEY,
      storage: 'inline',
      status: 'ok',
      value: '[ 1, 2, 3 ]',
    });

    expect(big.code).toBe(0);
    expect(big.stdout).toMatch(/^stored\s+in file blobs\//m);
    expect(big.stdout).toContain('Float64Array(20000)');
    expect(big.stdout).toMatch(/more lines; --lines 0 for all/);

    expect(absent.code).toBe(1);
    expect(absent.stdout).toBe('');
    expect(absent.stderr).toMatch(/^keepsake: no entry "nope" in .*\nhint: /);
    expect(absent.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});
