/**
 * A small hand-written timing harness shared by every `bench/*.ts` module.
 *
 * How a measurement of candidates A, B, C runs (see {@link measureAll}):
 *
 * ```text
 *   warm-up A, B, C  ~warmupMs each   V8 tiers each up; we learn its ns/op
 *   round 1   gc() A   gc() B   gc() C   each ~roundMs: N = roundMs / (ns/op) calls, timed
 *   round 2   gc() B   gc() C   gc() A   with process.hrtime.bigint; order rotates
 *   ...
 *   round R                              report each one's median ops/s (plus the spread)
 * ```
 *
 * Every result is written into a module-level sink that other code can read after each
 * round, so V8 cannot prove a call dead and drop it.
 *
 * A bench module is any `bench/*.ts` file (other than `run.ts`, `harness.ts`, `payloads.ts`
 * and files starting with `_`) that exports {@link BenchModule.run}. `bench/run.ts` imports each
 * in turn, calls `run()`, and writes the returned markdown into `bench/RESULTS.md` between
 * `<!-- <name>:start -->` and `<!-- <name>:end -->`. A module must not start measuring on import;
 * use {@link isMain} to run it standalone (`node --import tsx bench/<name>.ts`).
 */
import { pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** What a bench module's `run()` may return: markdown for RESULTS.md, or nothing. */
export interface BenchReport {
  /** Markdown written between this module's markers in `bench/RESULTS.md`. */
  markdown: string;
  /** Set when a target failed; `run.ts` exits non-zero only with `--strict`. */
  failed?: boolean;
}

/** The contract `bench/run.ts` relies on. */
export interface BenchModule {
  run(options?: RunOptions): Promise<BenchReport | string | undefined> | BenchReport | string;
}

export interface RunOptions {
  /** Scale factor on warm-up and round times; `0.3` for a smoke run. @default 1 */
  scale?: number;
}

export interface MeasureOptions {
  /** Warm-up time in ms before the timed rounds. @default 150 */
  warmupMs?: number;
  /** Target duration of one timed round in ms. @default 80 */
  roundMs?: number;
  /** Number of timed rounds; the median is reported. @default 7 */
  rounds?: number;
  /** Hard cap on the whole measurement in ms; slow functions get fewer rounds. @default 2500 */
  maxMs?: number;
  /**
   * Which clock the reported `opsPerSec` uses. `'wall'`: `process.hrtime.bigint()`. `'cpu'`:
   * this process's user+system CPU time (`process.cpuUsage()`, all its threads, so GC helper
   * threads count), which other processes on a busy machine barely disturb: in a test at load
   * 6 on 2 cores, repeated wall-clock medians of one function varied 12k-20k ops/s, CPU-time
   * medians 20k-28k with max 30k either way. Only right for synchronous work. Both are always
   * recorded. @default 'wall'
   */
  clock?: 'wall' | 'cpu';
}

export interface Measurement {
  /** Median operations per second over the timed rounds, by the chosen clock. */
  opsPerSec: number;
  /** Median ops/s by wall-clock time. */
  wallOpsPerSec: number;
  /** Median ops/s by process CPU time. */
  cpuOpsPerSec: number;
  /** Median nanoseconds per operation. */
  nsPerOp: number;
  /** Relative spread of the rounds: median absolute deviation / median of ops/s. */
  spread: number;
  rounds: number;
  iterationsPerRound: number;
}

// The last result escapes into module state that other code can read, so V8 must compute it.
let sink: unknown;

/** The last measured result (exists so the sink is observable, hence not dead). */
export function lastResult(): unknown {
  return sink;
}

/** Forced GC between measurements, without needing `--expose-gc` on the command line. */
export const gc: () => void = (() => {
  try {
    setFlagsFromString('--expose-gc');
    const fn = runInNewContext('gc') as unknown;
    if (typeof fn === 'function') return fn as () => void;
  } catch {
    // fall through: no forced GC
  }
  return () => {};
})();

function nowNs(): bigint {
  return process.hrtime.bigint();
}

/**
 * The median of `xs` (the mean of the middle two for an even count); `xs` is not modified.
 *
 * @example
 * ```ts
 * median([3, 1, 2]); // 2
 * ```
 */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Time `fn` (warm-up, then timed rounds) and return the median throughput. */
export function measure(fn: () => unknown, options: MeasureOptions = {}): Measurement {
  return measureAll([fn], options)[0]!;
}

/**
 * Time several functions against each other, their rounds interleaved (round r runs every
 * function once, in a rotating order) with a full GC before each round.
 *
 * Why not one after the other: on a shared 2-core machine the background load changes from
 * second to second, so consecutive measurements of the *same* function were seen to differ 3x;
 * interleaving exposes every candidate to the same load, which keeps their ratios honest. The
 * GC before each round keeps one candidate's garbage from being collected on another's clock.
 */
export function measureAll(fns: Array<() => unknown>, options: MeasureOptions = {}): Measurement[] {
  const warmupMs = options.warmupMs ?? 150;
  const roundMs = options.roundMs ?? 80;
  const roundsWanted = options.rounds ?? 7;
  const maxMs = options.maxMs ?? 2500;

  const plan = fns.map((fn) => {
    gc();
    // Warm-up: at least 2 calls and at least warmupMs; V8 tiers fn up and we learn its cost.
    const warmStart = nowNs();
    const warmEnd = warmStart + BigInt(Math.round(warmupMs * 1e6));
    let calls = 0;
    let t = warmStart;
    while (calls < 2 || t < warmEnd) {
      sink = fn();
      calls++;
      t = nowNs();
    }
    const nsPerCall = Number(t - warmStart) / calls;
    const iterations = Math.max(1, Math.round((roundMs * 1e6) / nsPerCall));
    // Slow functions (hundreds of ms per call) get fewer rounds, but never fewer than 3.
    const budget = Math.floor((maxMs * 1e6) / (nsPerCall * iterations));
    const rounds = Math.max(3, Math.min(roundsWanted, budget));
    return { fn, iterations, rounds, wall: [] as number[], cpu: [] as number[] };
  });

  const maxRounds = Math.max(...plan.map((p) => p.rounds));
  for (let r = 0; r < maxRounds; r++) {
    for (let k = 0; k < plan.length; k++) {
      const p = plan[(k + r) % plan.length]!;
      if (r >= p.rounds) continue;
      const { fn, iterations } = p;
      gc();
      let last: unknown;
      const cpu0 = process.cpuUsage();
      const start = nowNs();
      for (let i = 0; i < iterations; i++) last = fn();
      const elapsed = Number(nowNs() - start);
      const cpu = process.cpuUsage(cpu0);
      sink = last;
      p.wall.push((iterations * 1e9) / elapsed);
      // cpuUsage is in microseconds; guard a zero reading on very short rounds.
      p.cpu.push((iterations * 1e6) / Math.max(1, cpu.user + cpu.system));
    }
  }

  return plan.map((p) => summarize(p, options.clock));
}

/** True when the module at `url` is the script node was started with. */
/** Rounds of one candidate (ops/s per round, wall and CPU clock) as a {@link Measurement}. */
export function summarize(
  p: { wall: number[]; cpu: number[]; rounds: number; iterations: number },
  clock: MeasureOptions['clock'],
): Measurement {
  const samples = clock === 'cpu' ? p.cpu : p.wall;
  const med = median(samples);
  return {
    opsPerSec: med,
    wallOpsPerSec: median(p.wall),
    cpuOpsPerSec: median(p.cpu),
    nsPerOp: 1e9 / med,
    spread: median(samples.map((x) => Math.abs(x - med))) / med,
    rounds: p.rounds,
    iterationsPerRound: p.iterations,
  };
}

export function isMain(url: string): boolean {
  const entry = process.argv[1];
  return entry !== undefined && pathToFileURL(entry).href === url;
}

// ---------------------------------------------------------------------------------------------
// Deep equality with identity: the "did the codec give back what it was given" check.
// ---------------------------------------------------------------------------------------------

const TYPED_ARRAY_PROTO = Object.getPrototypeOf(Uint8Array.prototype) as object;

function tag(v: unknown): string {
  return Object.prototype.toString.call(v);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'object') {
    const ctor = (v as { constructor?: { name?: string } }).constructor;
    return ctor?.name ?? tag(v);
  }
  if (typeof v === 'string') return v.length > 20 ? `string(${v.length})` : JSON.stringify(v);
  if (typeof v === 'number' && Object.is(v, -0)) return '-0';
  return `${typeof v} ${String(v)}`;
}

/**
 * Compare `expected` (the input) with `actual` (what a codec gave back). Returns `undefined`
 * when they are equal, else a short description of the first difference with its path.
 *
 * Checks values with `Object.is` (so -0 and NaN count), prototypes (a Map must come back as a
 * Map, a plain object as a plain object), array holes, Map/Set contents in insertion order
 * (keys compared structurally), typed-array element types and bytes, and identity: an object
 * that occurs twice in the input (a shared reference or a cycle) must come back as one object.
 */
export function firstDifference(expected: unknown, actual: unknown): string | undefined {
  const seen = new Map<object, unknown>();
  const walk = (a: unknown, b: unknown, path: string): string | undefined => {
    if (typeof a !== 'object' || a === null) {
      if (typeof a === 'function') return `${path}: function`;
      return Object.is(a, b) ? undefined : `${path}: ${describe(a)} became ${describe(b)}`;
    }
    if (typeof b !== 'object' || b === null) return `${path}: ${describe(a)} became ${describe(b)}`;
    const prior = seen.get(a);
    if (prior !== undefined) {
      return prior === b ? undefined : `${path}: shared reference/cycle lost its identity`;
    }
    seen.set(a, b);
    if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) {
      return `${path}: ${describe(a)} became ${describe(b)}`;
    }
    if (a instanceof Date) {
      return Object.is(a.getTime(), (b as Date).getTime()) ? undefined : `${path}: Date changed`;
    }
    if (Object.getPrototypeOf(Object.getPrototypeOf(a)) === TYPED_ARRAY_PROTO) {
      const x = a as unknown as ArrayLike<number>;
      const y = b as unknown as ArrayLike<number>;
      if (x.length !== y.length) return `${path}: length ${x.length} became ${y.length}`;
      for (let i = 0; i < x.length; i++) {
        if (!Object.is(x[i], y[i])) return `${path}[${i}]: ${x[i]} became ${y[i]}`;
      }
      return undefined;
    }
    if (a instanceof Map) {
      const m = b as Map<unknown, unknown>;
      if (a.size !== m.size) return `${path}: Map size ${a.size} became ${m.size}`;
      const ea = [...a];
      const eb = [...m];
      for (let i = 0; i < ea.length; i++) {
        const d =
          walk(ea[i]![0], eb[i]![0], `${path}.<key ${i}>`) ??
          walk(ea[i]![1], eb[i]![1], `${path}.get(${describe(ea[i]![0])})`);
        if (d) return d;
      }
      return undefined;
    }
    if (a instanceof Set) {
      const s = b as Set<unknown>;
      if (a.size !== s.size) return `${path}: Set size ${a.size} became ${s.size}`;
      const ea = [...a];
      const eb = [...s];
      for (let i = 0; i < ea.length; i++) {
        const d = walk(ea[i], eb[i], `${path}.<item ${i}>`);
        if (d) return d;
      }
      return undefined;
    }
    if (Array.isArray(a)) {
      const y = b as unknown[];
      if (a.length !== y.length) return `${path}: length ${a.length} became ${y.length}`;
      for (let i = 0; i < a.length; i++) {
        if (i in a !== i in y) return `${path}[${i}]: hole not kept`;
        const d = walk(a[i], y[i], `${path}[${i}]`);
        if (d) return d;
      }
      return undefined;
    }
    const ka = Object.keys(a);
    const kb = Object.keys(b as object);
    if (ka.length !== kb.length) return `${path}: ${ka.length} keys became ${kb.length}`;
    for (const k of ka) {
      if (!Object.hasOwn(b as object, k)) return `${path}.${k}: missing`;
      const d = walk(
        (a as Record<string, unknown>)[k],
        (b as Record<string, unknown>)[k],
        `${path}.${k}`,
      );
      if (d) return d;
    }
    return undefined;
  };
  return walk(expected, actual, '$');
}

// ---------------------------------------------------------------------------------------------
// Formatting
// ---------------------------------------------------------------------------------------------

/** 1234567 -> "1.23M", 12345 -> "12.3k", 12.3 -> "12.3". */
export function fmtOps(n: number): string {
  if (!Number.isFinite(n)) return 'n/a';
  if (n >= 1e6) return `${(n / 1e6).toFixed(n >= 1e7 ? 1 : 2)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(n >= 1e4 ? 1 : 2)}k`;
  return n >= 100 ? n.toFixed(0) : n.toFixed(n >= 10 ? 1 : 2);
}

export function fmtBytes(n: number): string {
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(2)} MiB`;
  if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(1)} KiB`;
  return `${n} B`;
}

export function fmtRatio(n: number): string {
  return Number.isFinite(n) ? `${n.toFixed(2)}x` : 'n/a';
}

/** A table as GitHub markdown; `align` marks right-aligned (numeric) columns. */
export function markdownTable(
  header: string[],
  rows: string[][],
  rightAlign: boolean[] = [],
): string {
  const esc = (s: string) => s.replaceAll('|', '\\|');
  const sep = header.map((_, i) => (rightAlign[i] ? '---:' : '---'));
  return [header, sep, ...rows].map((r) => `| ${r.map(esc).join(' | ')} |`).join('\n');
}

/** The same table padded for a terminal. */
export function textTable(header: string[], rows: string[][], rightAlign: boolean[] = []): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => (rightAlign[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
