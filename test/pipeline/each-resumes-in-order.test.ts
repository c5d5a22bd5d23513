import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pipeline } from '../../src/index.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'keepsake-each-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('pipeline.each', () => {
  it('a rerun skips recorded items and yields every result in input order', async () => {
    const seen: number[] = [];
    const items = Array.from({ length: 20 }, (_, i) => i);
    const first = pipeline({ dir }).each('sq', items, (x) => {
      if (x === 12) throw new Error('crash at 12');
      seen.push(x);
      return x * x;
    });
    await expect(collect(first)).rejects.toThrow('crash at 12');
    expect(seen).toEqual(Array.from({ length: 12 }, (_, i) => i));
    seen.length = 0;
    const all = await collect(pipeline({ dir }).each('sq', items, (x) => (seen.push(x), x * x)));
    expect(all).toEqual(items.map((x) => x * x));
    expect(seen).toEqual(Array.from({ length: 8 }, (_, i) => i + 12));
  });

  it('items are matched by key: a changed item and those after it are recomputed', async () => {
    const seen: string[] = [];
    const run = () =>
      pipeline({ dir }).each('up', ['a', 'b', 'c', 'd'], (s) => (seen.push(s), s.toUpperCase()), {
        key: (s) => s,
      });
    await collect(run());
    seen.length = 0;
    const changed = await collect(
      pipeline({ dir }).each('up', ['a', 'b', 'x', 'd'], (s) => (seen.push(s), s.toUpperCase()), {
        key: (s) => s,
      }),
    );
    expect(changed).toEqual(['A', 'B', 'X', 'D']);
    expect(seen).toEqual(['x', 'd']);
    seen.length = 0;
    expect(await collect(run())).toEqual(['A', 'B', 'C', 'D']);
    expect(seen).toEqual(['c', 'd']);
  });

  it('concurrency keeps input order and every result', async () => {
    const items = Array.from({ length: 50 }, (_, i) => i);
    const out = await collect(
      pipeline({ dir }).each(
        'slow',
        items,
        async (x) => {
          await new Promise((r) => setTimeout(r, (x * 7) % 5));
          return x + 1;
        },
        { concurrency: 8 },
      ),
    );
    expect(out).toEqual(items.map((x) => x + 1));
    const again = await collect(
      pipeline({ dir }).each('slow', items, () => -1, { concurrency: 8 }),
    );
    expect(again).toEqual(items.map((x) => x + 1));
  });

  it('async iterables are accepted and a version bump redoes every item', async () => {
    async function* gen() {
      yield 1;
      yield 2;
    }
    expect(await collect(pipeline({ dir }).each('v', gen(), (x) => x * 10))).toEqual([10, 20]);
    expect(await collect(pipeline({ dir }).each('v', gen(), (x) => x * 100))).toEqual([10, 20]);
    expect(
      await collect(pipeline({ dir }).each('v', gen(), (x) => x * 100, { version: 2 })),
    ).toEqual([100, 200]);
  });

  it('memory stays bounded over many items', async () => {
    const n = 30_000;
    async function* numbers() {
      for (let i = 0; i < n; i++) yield i;
    }
    let sum = 0;
    for await (const x of pipeline({ dir }).each('many', numbers(), (i) => i & 7)) sum += x;
    const before = process.memoryUsage().heapUsed;
    let resumed = 0;
    for await (const x of pipeline({ dir }).each('many', numbers(), () => -1)) resumed += x;
    expect(resumed).toBe(sum);
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(64 * 1024 * 1024);
    const status = await pipeline({ dir }).status();
    expect(status.find((s) => s.name === 'many')?.items).toBe(n);
  }, 120_000);
});

describe('pipeline.each bad arguments', () => {
  it('are ERR_OPTIONS at the call, before any item runs', () => {
    const run = pipeline({ dir: path.join(tmpdir(), 'keepsake-unused') });
    const bad: Array<() => unknown> = [
      () => run.each('', [1], (x) => x),
      () => run.each('x', [1], 'nope' as never),
      () => run.each('x', 42 as never, (x) => x),
      () => run.each('x', [1], (x) => x, { concurrency: 0 }),
      () => run.each('x', [1], (x) => x, { concurrency: 1.5 }),
      () => run.each('x', [1], (x) => x, { key: 'id' as never }),
    ];
    for (const call of bad) {
      expect(call).toThrowError(expect.objectContaining({ code: 'ERR_OPTIONS' }));
    }
  });
});
