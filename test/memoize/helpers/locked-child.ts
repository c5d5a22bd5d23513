/**
 * Child process for the disk-lock test: memoizes a slow (1.5 s) function over the folder argv[2]
 * with `disk: { lock }`, waits until the wall-clock time argv[4] so that every child calls at
 * once, calls it, and prints the result and when the call started. Each run of the function
 * appends its start time to argv[3], so the parent can count computations. argv[5] is 'sync' or
 * 'async', argv[6] 'lock' or 'no-lock'.
 */
import { appendFileSync } from 'node:fs';
import { memoize } from '../../../src/index.js';

const [dir, runs, at, mode, lock] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
];

function spin(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end) {}
}

const slowSquare = memoize(
  (x: number) => {
    appendFileSync(runs, `${Date.now()}\n`);
    spin(1_500);
    return x * x;
  },
  { name: 'locked.square', disk: { dir, lock: lock === 'lock' } },
);
const slowSquareAsync = memoize(
  async (x: number) => {
    appendFileSync(runs, `${Date.now()}\n`);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    return x * x;
  },
  { name: 'locked.square.async', disk: { dir, lock: lock === 'lock' } },
);

// Sleep until just before the start, then spin the last few ms for a sharp start.
await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(at) - Date.now() - 20)));
spin(Math.max(0, Number(at) - Date.now()));
const startedAt = Date.now();
const result = mode === 'sync' ? slowSquare(7) : await slowSquareAsync(7);
process.stdout.write(`${JSON.stringify({ result, startedAt })}\n`);
