import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openRecordWriter } from '../../src/codec/index.js';
import { runHelper } from './helpers/child.js';
import { useTempDir } from './helpers/tmp.js';

const tmp = useTempDir();
const RECORD = 256 * 1024;
const COUNT = 800; // ~200 MB

describe('readRecords streams', () => {
  it(`reading a ~${(RECORD * COUNT) / 2 ** 20} MB record file keeps RSS growth well below the file size`, async () => {
    const p = join(tmp.dir, 'big.log');
    const w = await openRecordWriter(p);
    const data = new Uint8Array(RECORD);
    for (let i = 0; i < data.length; i++) data[i] = (i * 2654435761) >>> 24;
    for (let i = 0; i < COUNT; i++) {
      data[0] = i & 255;
      await w.write({ i, data });
    }
    await w.close();
    const size = (await stat(p)).size;
    expect(size).toBeGreaterThan(RECORD * COUNT);

    // read in a fresh process so the writer's memory does not blur the measurement
    const res = await runHelper('read-records-rss.ts', [p]);
    if (res.code !== 0) throw new Error(`reader failed: ${res.stderr}`);
    const { count, bytes, growth } = JSON.parse(res.stdout.trim()) as {
      count: number;
      bytes: number;
      growth: number;
    };
    expect(count).toBe(COUNT);
    expect(bytes).toBe(RECORD * COUNT);
    expect(
      growth,
      `RSS grew by ${(growth / 2 ** 20).toFixed(1)} MB for a ${(size / 2 ** 20).toFixed(0)} MB file`,
    ).toBeLessThan(size / 4);
  }, 60_000);
});
