import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dumpFile, loadFile } from '../../src/codec/index.js';
import { kill, startHelper, waitForLine } from './helpers/child.js';
import { useTempDir } from './helpers/tmp.js';

const tmp = useTempDir();

function valueFor(gen: number): { gen: number; bytes: Uint8Array; text: string } {
  return {
    gen,
    bytes: new Uint8Array(4 * 1024 * 1024).fill(gen & 255),
    text: `gen-${gen}-`.repeat(10_000),
  };
}

function assertWhole(v: unknown): number {
  const o = v as { gen: number; bytes: Uint8Array; text: string };
  expect(typeof o.gen).toBe('number');
  expect(o.text).toBe(`gen-${o.gen}-`.repeat(10_000));
  expect(o.bytes.length).toBe(4 * 1024 * 1024);
  const want = o.gen & 255;
  expect(o.bytes.every((b) => b === want)).toBe(true);
  return o.gen;
}

describe('SIGKILL in the middle of a file write', () => {
  it.each(['async', 'sync'])(
    '%s: after each kill the file holds the old or a new whole value (10 kills)',
    async (mode) => {
      const p = join(tmp.dir, 'state.bin');
      await dumpFile(p, valueFor(0));
      let last = 0;
      const seen = new Set<number>();
      for (let round = 0; round < 10; round++) {
        const child = startHelper('dump-loop.ts', [p, mode, String((round + 1) * 1000)]);
        await waitForLine(child, 'ready');
        await new Promise((r) => setTimeout(r, 20 + Math.random() * 250));
        await kill(child);
        const gen = assertWhole(await loadFile(p));
        // either what was there before the child ran, or one of the child's generations
        expect(gen === last || (gen >= (round + 1) * 1000 && gen < (round + 2) * 1000)).toBe(true);
        last = gen;
        seen.add(gen);
      }
      // leftover temp files after a SIGKILL are allowed, but never in place of the target
      expect(await readdir(tmp.dir)).toContain('state.bin');
    },
    120_000,
  );
});
