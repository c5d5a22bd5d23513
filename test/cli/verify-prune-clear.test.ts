import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { PruneReport } from '../../src/cli/prune.js';
import type { VerifyReport } from '../../src/cli/verify.js';
import { serialize } from '../../src/codec/index.js';
import { diskStore } from '../../src/stores/disk-store.js';
import { blobFiles, keepsake, parseJson, useTmp } from './helpers.js';

const tmp = useTmp();

/** `count` codec values of ~100 KB each (value files), written `createdAt` apart in time. */
function fillLarge(dir: string, count: number): void {
  const store = diskStore({ dir });
  for (let i = 0; i < count; i++) {
    store.set(`blob:${i}`, {
      value: serialize(new Uint8Array(100_000).fill(i)),
      createdAt: Date.now(),
    });
  }
  store.set('small', { value: serialize({ ok: true }), createdAt: Date.now() });
  store.close();
}

describe('keepsake verify, prune, clear', () => {
  it('verify exits 2 on a flipped byte in a value file; --fix removes the entry', async () => {
    const dir = tmp();
    fillLarge(dir, 3);
    expect((await keepsake(['verify', '--dir', dir])).code).toBe(0);

    // Flip one payload byte of one value file: only the codec envelope's checksum covers it.
    const [file] = blobFiles(dir);
    const bytes = fs.readFileSync(file!);
    bytes[50_000] = bytes[50_000]! ^ 0xff;
    fs.writeFileSync(file!, bytes);

    const found = await keepsake(['verify', '--dir', dir, '--json']);
    expect(found.code).toBe(2);
    const report = parseJson<VerifyReport>(found);
    expect(report).toMatchObject({ checked: 4, ok: 3, removed: 0 });
    expect(report.corrupt).toEqual([
      { key: expect.stringMatching(/^blob:\d$/), reason: expect.stringContaining('checksum') },
    ]);
    expect(fs.existsSync(file!)).toBe(true); // verify alone changes nothing

    const fixed = await keepsake(['verify', '--fix', '--dir', dir]);
    expect(fixed.code).toBe(2);
    expect(fixed.stdout).toMatch(/3 ok, 1 corrupt/);
    expect(fixed.stdout).toMatch(/removed 1 corrupt entry/);
    expect(fs.existsSync(file!)).toBe(false);

    const store = diskStore({ dir });
    expect(store.usage().entries).toBe(3);
    expect(store.get(report.corrupt[0]!.key)).toBeUndefined();
    store.close();
  });

  it('prune evicts least recently used entries below --max-bytes and lists them', async () => {
    const dir = tmp();
    fillLarge(dir, 10); // ~1 MB of values
    const result = await keepsake(['prune', '--max-bytes', '350KB', '--dir', dir, '--json']);
    expect(result.code).toBe(0);
    const report = parseJson<PruneReport>(result);
    expect(report.maxBytes).toBe(350_000);
    expect(report.before.entries).toBe(11);
    expect(report.after.bytes).toBeLessThanOrEqual(350_000);
    expect(report.evicted.length).toBe(report.before.entries - report.after.entries);
    expect(blobFiles(dir)).toHaveLength(report.after.entries - 1); // 'small' is inline

    const store = diskStore({ dir });
    expect(store.usage()).toEqual(report.after);
    store.close();

    const text = await keepsake(['prune', '--max-bytes', '1GiB', '--dir', dir]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(
      /^removed 0 expired, 0 evicted to fit 1.00 GiB, 0 orphaned files$/m,
    );
  });

  it('clear needs --yes, then empties the cache', async () => {
    const dir = tmp();
    fillLarge(dir, 2);
    const [refused, badFlag] = await Promise.all([
      keepsake(['clear', '--dir', dir]),
      keepsake(['prune', '--max-bytes', 'lots', '--dir', dir]),
    ]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/hint: add --yes/);
    expect(badFlag.code).toBe(1);
    expect(badFlag.stderr).toMatch(/--max-bytes must be a size/);

    const cleared = await keepsake(['clear', '-y', '--dir', dir, '--json']);
    expect(cleared.code).toBe(0);
    expect(parseJson(cleared)).toEqual({ dir, removed: { entries: 3, bytes: expect.any(Number) } });
    expect(blobFiles(dir)).toEqual([]);
    const store = diskStore({ dir });
    expect(store.usage()).toEqual({ entries: 0, bytes: 0 });
    store.close();
  });
});
