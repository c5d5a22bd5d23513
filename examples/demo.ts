/**
 * A short tour of keepsake on its embedded default (memory + disk), each line with its
 * measured time: `npm run demo`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';
import { keepsakeFastify } from '../plugins/fastify/index.js';
import { memoize, pipeline } from '../src/index.js';

const self = fileURLToPath(import.meta.url);
const ms = (since: number) => `${(performance.now() - since).toFixed(1)} ms`;
const busy = (millis: number) => {
  const end = performance.now() + millis;
  while (performance.now() < end) {}
};

/** The slow function of the tour: 300 ms of CPU, remembered on disk under `dir`. */
function slowSquare(dir: string) {
  return memoize(
    (n: number) => {
      busy(300);
      return n * n;
    },
    { disk: { dir }, name: 'demo.slowSquare' },
  );
}

// Re-run as a child: a fresh process reads the result from disk without computing.
if (process.argv[2] === '--from-disk') {
  const square = slowSquare(process.argv[3]!);
  const t = performance.now();
  const value = square(12);
  console.log(`  fresh process, same call: ${value} in ${ms(t)} (read from disk, not computed)`);
  process.exit(0);
}

const dir = mkdtempSync(path.join(tmpdir(), 'keepsake-demo-'));
try {
  console.log('memoize: a 300 ms function');
  const square = slowSquare(path.join(dir, 'cache'));
  let t = performance.now();
  square(12);
  console.log(`  first call:  computed in ${ms(t)}`);
  t = performance.now();
  square(12);
  console.log(`  second call: from memory in ${ms(t)}`);
  execFileSync(
    process.execPath,
    ['--import', 'tsx', self, '--from-disk', path.join(dir, 'cache')],
    {
      stdio: 'inherit',
    },
  );

  console.log('fastify: a route that takes 200 ms to render');
  const app = Fastify();
  await app.register(keepsakeFastify, { ttl: 60_000 });
  app.get('/report', { config: { cache: true } }, async () => {
    busy(200);
    return { rows: 1000, total: 123_456 };
  });
  for (const attempt of ['first ', 'second']) {
    t = performance.now();
    const res = await app.inject({ method: 'GET', url: '/report' });
    console.log(`  ${attempt} GET /report: ${res.headers['x-cache']} in ${ms(t)}`);
  }
  await app.close();

  console.log('pipeline: load, clean and score 500 rows');
  for (const attempt of ['first ', 'second']) {
    t = performance.now();
    let computed = 0;
    const run = pipeline({ dir: path.join(dir, 'pipeline'), name: 'demo' });
    const rows = await run.step('load', () => {
      computed++;
      busy(100);
      return Array.from({ length: 500 }, (_, i) => ({ id: i, value: i % 13 }));
    });
    const clean = await run.step(
      'clean',
      () => {
        computed++;
        return rows.filter((r) => r.value > 0);
      },
      { inputs: [rows] },
    );
    const score = (r: { value: number }) => {
      computed++;
      return r.value * 2;
    };
    let total = 0;
    for await (const s of run.each('score', clean, score, { key: (r) => r.id })) total += s;
    if (total === 0) throw new Error('the pipeline lost its rows');
    console.log(`  ${attempt} run: ${computed} steps and items computed in ${ms(t)}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
