import { mkdtempSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pipeline } from '../../src/index.js';
import { deferred } from '../helpers/deferred.js';

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

describe('pipeline.each when it does not finish', () => {
  it('a later item failing while an earlier one runs is no unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const slow = deferred();
      const thrown = [deferred(), deferred()];
      const run = pipeline({ dir }).each(
        'par',
        [0, 1, 2, 3],
        async (x) => {
          if (x === 0) await slow.promise;
          if (x >= 2) {
            thrown[x - 2]!.resolve();
            throw new Error(`item ${x} failed`);
          }
          return x;
        },
        { concurrency: 4 },
      );
      const collecting = collect(run);
      // Items 2 and 3 reject while item 0 still waits; Node reports unhandled rejections once
      // the microtasks drain, before the next setImmediate. Then item 0 may finish.
      await Promise.all(thrown.map((d) => d.promise));
      await new Promise(setImmediate);
      slow.resolve();
      await expect(collecting).rejects.toThrow('item 2 failed');
      await new Promise(setImmediate);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('status() says failed, with the error, when an item throws', async () => {
    const run = pipeline({ dir });
    await expect(
      collect(
        run.each('boom', [1, 2, 3], (x) => {
          if (x === 2) throw new Error('bad row 2');
          return x;
        }),
      ),
    ).rejects.toThrow('bad row 2');
    const status = (await run.status()).find((s) => s.name === 'boom');
    expect(status?.state).toBe('failed');
    expect(status?.error).toContain('bad row 2');
    expect(status?.items).toBe(1);
  });

  it('status() says failed when the caller stops early, and a rerun resumes', async () => {
    const run = pipeline({ dir });
    for await (const x of run.each('early', [1, 2, 3, 4], (x) => x * 10)) {
      if (x === 20) break;
    }
    const status = (await run.status()).find((s) => s.name === 'early');
    expect(status?.state).toBe('failed');
    expect(status?.error).toContain('stopped by the caller after 2 item(s)');
    const seen: number[] = [];
    const all = await collect(run.each('early', [1, 2, 3, 4], (x) => (seen.push(x), x * 10)));
    expect(all).toEqual([10, 20, 30, 40]);
    expect(seen).toEqual([3, 4]);
    expect((await run.status()).find((s) => s.name === 'early')?.state).toBe('done');
  });
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

describe('pipeline.each cleans up after itself', () => {
  /** Open descriptors of this process that point at a file under `dir` (Linux). */
  function openUnder(root: string): string[] {
    const fds = readdirSync('/proc/self/fd');
    return fds.flatMap((fd) => {
      try {
        const target = readlinkSync(`/proc/self/fd/${fd}`);
        return target.startsWith(root) ? [target] : [];
      } catch {
        return [];
      }
    });
  }

  it.runIf(process.platform === 'linux')(
    'a caller leaving while recorded items are replayed: no file left open, the items kept',
    async () => {
      const run = pipeline({ dir });
      const items = Array.from({ length: 10 }, (_, i) => i);
      await collect(run.each('replay', items, (x) => x + 1));
      for (let round = 0; round < 3; round++) {
        for await (const x of run.each('replay', items, () => -1)) if (x === 2) break;
      }
      expect(openUnder(dir)).toEqual([]);
      const status = (await run.status()).find((s) => s.name === 'replay');
      expect(status?.state).toBe('failed');
      expect(status?.error).toContain('after 2 item(s) were yielded');
      const seen: number[] = [];
      const all = await collect(run.each('replay', items, (x) => (seen.push(x), -1)));
      expect(all).toEqual(items.map((x) => x + 1));
      expect(seen).toEqual([]);
    },
  );

  it("a caller leaving early ends the caller's own input iterator, as for await would", async () => {
    let closed = false;
    async function* rows() {
      try {
        for (let i = 0; i < 100; i++) yield i;
      } finally {
        closed = true;
      }
    }
    for await (const x of pipeline({ dir }).each('input', rows(), (x) => x)) if (x === 3) break;
    expect(closed).toBe(true);
  });

  it('an error whose String() throws is still the one the caller gets, and failed is recorded', async () => {
    const odd = Object.create(null) as object; // String(odd) throws: no toString anywhere
    const run = pipeline({ dir });
    await expect(collect(run.each('odd', [1], () => Promise.reject(odd)))).rejects.toBe(odd);
    await expect(run.step('odd-step', () => Promise.reject(odd))).rejects.toBe(odd);
    const status = await run.status();
    for (const name of ['odd', 'odd-step']) {
      const s = status.find((x) => x.name === name);
      expect(s?.state).toBe('failed');
      expect(s?.error).toBe('[object Object]');
    }
  });
});
