/**
 * Key derivation speed: ns per `hashKey` for the argument shapes of issue 4, and the throughput
 * of hashing one 64 MB buffer. `node --import tsx bench/key.ts` prints a markdown table;
 * `run()` returns the rows for the bench runner.
 *
 * Timing is CPU time of this process (`process.cpuUsage`), not wall time, so a busy machine's
 * descheduling does not count; a `Map.get` row is measured in the same run as a yardstick.
 */
import { fileURLToPath } from 'node:url';
import { canonicalKey, hashKey } from '../src/key/index.js';

/** One measured row. */
export interface KeyBenchRow {
  /** What was measured. */
  name: string;
  /** Median nanoseconds per call (CPU time), or undefined for throughput rows. */
  ns?: number;
  /** GB/s (10^9 bytes per second) for throughput rows. */
  gbPerSec?: number;
}

let sink: unknown;

function cpuNs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) * 1000;
}

function nsPerCall(fn: () => unknown, calls = 200_000, rounds = 9): number {
  for (let i = 0; i < calls; i++) sink = fn();
  const results: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = cpuNs();
    for (let i = 0; i < calls; i++) sink = fn();
    results.push((cpuNs() - t0) / calls);
  }
  results.sort((a, b) => a - b);
  return results[results.length >> 1]!;
}

/**
 * Runs every measurement and returns the rows.
 *
 * @example
 * ```ts
 * import { run } from './key.js';
 * for (const row of run()) console.log(row.name, row.ns ?? row.gbPerSec);
 * ```
 */
export function run(): KeyBenchRow[] {
  const rows: KeyBenchRow[] = [];
  const map = new Map([['k', 1]]);
  rows.push({ name: 'yardstick: Map.get (precomputed key)', ns: nsPerCall(() => map.get('k')) });
  let n = 0;
  const str = 'abcdefghijklmnopqrstuvwxyz012345';
  const shapes: Array<[string, () => unknown]> = [
    ['(a) hashKey(number)', () => hashKey(n++ & 1023)],
    ['(b) hashKey(32-char string)', () => hashKey(str)],
    [
      '(c) hashKey({userId, filters: {tags, since}, page}) fresh object',
      () =>
        hashKey({ userId: 42, filters: { tags: ['a', 'b'], since: 1_700_000_000_000 }, page: 3 }),
    ],
    ['(d) hashKey(n, s, [1, 2, 3]) fresh array', () => hashKey(7, 'name', [1, 2, 3])],
    ['(a) canonicalKey(number)', () => canonicalKey(n++ & 1023)],
    ['(b) canonicalKey(32-char string)', () => canonicalKey(str)],
  ];
  for (const [name, fn] of shapes) rows.push({ name, ns: nsPerCall(fn) });

  const big = new Uint8Array(64 * 1024 * 1024);
  for (let i = 0; i < big.length; i += 4096) big[i] = i & 255;
  const times: number[] = [];
  sink = hashKey(big);
  for (let r = 0; r < 7; r++) {
    const t0 = cpuNs();
    sink = hashKey(big);
    times.push(cpuNs() - t0);
  }
  times.sort((a, b) => a - b);
  rows.push({ name: 'hashKey(64 MB Uint8Array)', gbPerSec: big.length / times[3]! });
  return rows;
}

/** Renders rows as a markdown table. */
export function toMarkdown(rows: readonly KeyBenchRow[]): string {
  const lines = ['| case | ns/call | GB/s |', '| --- | ---: | ---: |'];
  for (const r of rows) {
    lines.push(`| ${r.name} | ${r.ns?.toFixed(1) ?? ''} | ${r.gbPerSec?.toFixed(2) ?? ''} |`);
  }
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(toMarkdown(run()));
  if (sink === Symbol.for('never')) console.log(sink);
}
