/**
 * Child process for the disk-lock test: memoizes a slow function over the folder argv[2] with
 * `disk: { lock: true }`, waits until the wall-clock time argv[4] so that every child calls at
 * once, calls it, and prints the result. Each run of the function appends one line to argv[3],
 * so the parent can count computations. argv[5] is 'sync' or 'async'.
 */
import { appendFileSync } from 'node:fs';
import { memoize } from '../../../src/index.js';

const [dir, runs, at, mode] = process.argv.slice(2) as [string, string, string, string];

function spin(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end) {}
}

const slowSquare = memoize(
  (x: number) => {
    appendFileSync(runs, `${process.pid}\n`);
    spin(400);
    return x * x;
  },
  { name: 'locked.square', disk: { dir, lock: true } },
);
const slowSquareAsync = memoize(
  async (x: number) => {
    appendFileSync(runs, `${process.pid}\n`);
    await new Promise((resolve) => setTimeout(resolve, 400));
    return x * x;
  },
  { name: 'locked.square.async', disk: { dir, lock: true } },
);

spin(Math.max(0, Number(at) - Date.now()));
const result = mode === 'sync' ? slowSquare(7) : await slowSquareAsync(7);
process.stdout.write(`${JSON.stringify({ result })}\n`);
