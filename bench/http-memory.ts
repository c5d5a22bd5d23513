/**
 * bench/http-memory: issue 6's "memory flat over a 60 s run of distinct URLs (bounded by the
 * configured bytes)", apart from bench/http so that module stays short.
 *
 * ```text
 *   parent (this file)                         child (bench/http.ts server "flood")
 *   autocannon, 20 connections, 60 s ───────>  GET /flood?id=<n>, n = 0, 1, 2, ...: every
 *     GET /flood?id=0, ?id=1, ...                request a new URL, a miss, a ~1.6 KB body
 *   every second: { type: 'memory' } ───────>  gc(), then heap, external, rss and the memory
 *                                              tier's byte count (maxBytes 8 MiB)
 * ```
 *
 * Flat means: the tier never holds more than its bound, and neither the heap nor external
 * memory (where entry bodies live) grows between the second and the last quarter of the run.
 *
 * Run alone: `node --import tsx bench/http-memory.ts [--quick]`; via `npm run bench -- http-memory`.
 */
import type { ChildProcess } from 'node:child_process';
import autocannon from 'autocannon';
import { type BenchReport, isMain, type RunOptions } from './harness.js';
import { ask, FLOOD_BYTES, startServer } from './http.js';

interface Sample {
  heap: number;
  external: number;
  rss: number;
  store: number;
}

/** Distinct URLs for `seconds`, sampling the server's memory each second. */
async function flood(child: ChildProcess, port: number, seconds: number) {
  const samples: Sample[] = [await ask<Sample>(child, 'memory')];
  let n = 0;
  const run = autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: 20,
    duration: seconds,
    requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: `/flood?id=${n++}` }) }],
  });
  const timer = setInterval(() => {
    ask<Sample>(child, 'memory').then((s) => samples.push(s));
  }, 1000);
  const result = await run;
  clearInterval(timer);
  samples.push(await ask<Sample>(child, 'memory'));
  return { samples, requests: result.requests.total, errors: result.errors + result.non2xx };
}

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);

/** Growth from the second quarter's mean to the last quarter's, as a ratio (1 = flat). */
function growth(xs: number[]): number {
  const q = Math.floor(xs.length / 4);
  return mean(xs.slice(3 * q)) / mean(xs.slice(q, 2 * q));
}

/** Runs the memory scenario and returns the markdown for RESULTS.md. */
export async function run(options: RunOptions = {}): Promise<BenchReport> {
  const seconds = Math.max(10, Math.round(60 * (options.scale ?? 1)));
  const { child, port } = await startServer('flood');
  try {
    const mem = await flood(child, port, seconds);
    const peakStore = Math.max(...mem.samples.map((s) => s.store));
    const heaps = mem.samples.map((s) => s.heap);
    const externals = mem.samples.map((s) => s.external);
    const rss = mem.samples.map((s) => s.rss);
    const half = (xs: number[]) => xs.slice(Math.floor(xs.length / 2));
    const range = (xs: number[]) => `${mb(Math.min(...xs))}-${mb(Math.max(...xs))} MiB`;
    const heapGrowth = growth(heaps);
    const externalGrowth = growth(externals);
    const flat = heapGrowth <= 1.1 && externalGrowth <= 1.1;
    const targets = [
      [
        `memory flat over ${seconds} s of distinct URLs, bounded by the configured bytes`,
        `store peak ${mb(peakStore)} MiB <= ${mb(FLOOD_BYTES)} MiB; 2nd half: heap ${range(half(heaps))}, external ${range(half(externals))}; last vs 2nd quarter: heap ${heapGrowth.toFixed(2)}x, external ${externalGrowth.toFixed(2)}x`,
        peakStore <= FLOOD_BYTES && flat && mem.errors === 0,
      ],
    ] as const;
    const failed = targets.some((t) => !t[2]);
    const lines = [
      `Issue 6, "Speed", memory. ${mem.requests.toLocaleString('en-US')} requests in ${seconds} s (20 connections), each to a new URL (\`/flood?id=<n>\`, a miss storing a ~1.6 KB body) against \`memoryStore({ maxBytes: 8 MiB })\`, ${mem.errors} errors. The server's memory is sampled after a forced GC each second; "external" holds the stored bodies (Buffers).`,
      '',
      '| target | measured | met |',
      '| --- | --- | --- |',
      ...targets.map(([t, m, ok]) => `| ${t} | ${m} | ${ok ? 'yes' : '**no**'} |`),
      '',
      `Heap (MiB): ${heaps.map(mb).join(', ')}.`,
      '',
      `External (MiB): ${externals.map(mb).join(', ')}.`,
      '',
      `RSS (MiB): ${rss.map(mb).join(', ')}.`,
    ];
    const markdown = lines.join('\n');
    console.log(`\n## http-memory\n\n${markdown}\n`);
    return { markdown, failed };
  } finally {
    child.send({ type: 'stop' });
  }
}

if (isMain(import.meta.url)) {
  await run({ scale: process.argv.includes('--quick') ? 0.3 : 1 });
}
