/**
 * memoize: compute once, in memory and on disk. Run: node --import tsx examples/memoize.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { memoize } from '../src/index.js';

// A sync function stays sync: no await needed, even on the very first call.
let fibCalls = 0;
const fib = memoize((n: number): number => {
  fibCalls++;
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
});
console.log(`fib(80) = ${fib(80)} after ${fibCalls} computations`);

// An async function stays async, and a thousand concurrent callers share one computation.
let fetches = 0;
const loadUser = memoize(
  async (query: { id: number; fields: string[] }) => {
    fetches++;
    await new Promise((resolve) => setTimeout(resolve, 20));
    return { id: query.id, name: `user ${query.id}`, fields: query.fields };
  },
  { ttl: 60_000 },
);
const users = await Promise.all(
  Array.from({ length: 1000 }, () => loadUser({ fields: ['name'], id: 7 })),
);
console.log(`${users.length} concurrent calls, ${fetches} fetch; key order does not matter`);

// With a disk tier, results survive the process; a code change invalidates them.
const dir = mkdtempSync(path.join(tmpdir(), 'keepsake-memoize-'));
try {
  const report = memoize((year: number) => ({ year, total: year * 12.5 }), {
    disk: { dir },
    version: 1,
  });
  console.log('report(2025):', report(2025), '| stats:', report.stats().misses, 'miss');
  console.log('keyOf(2025) names the disk entry:', report.keyOf(2025));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
