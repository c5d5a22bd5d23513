/**
 * bench/memoize — keepsake's `memoize` hit path against the memoizers people use today and
 * against the floor (`Map.get`, `lru-cache.get` with a precomputed key), issue 4 "Speed".
 *
 * ```text
 *   for each group (sync (a)-(d), async (a) and (c)) and access pattern (hot key, 1,000 keys):
 *     every candidate wraps its own counting fn; all 1,000 keys computed once (prefill);
 *     one pass checks each key gives back its own value without computing (else "WRONG"/"miss")
 *     measureAll: one op = 1,000 calls in a fixed random order (or 1,000 on the hot key),
 *                 candidates' rounds interleaved, median ns/call
 *     calls of fn during warm-up + timed rounds must stay 0, else the candidate is "miss":
 *     shown, but never used in a ratio
 *   1,000 concurrent calls on a cold key: count computations
 *   keyOf((c)) alone; hashKey over 64 MB (taken from bench/key.ts)
 * ```
 *
 * Arguments (c) and (d) are built fresh inside the timed loop from precomputed parts, the way
 * a caller builds them; an `(arg build only)` row times that building alone and the `net`
 * columns subtract it. The loop of every candidate is compiled separately (`new Function`),
 * so no candidate's call site turns megamorphic because another one ran through it first.
 *
 * Run alone: `node --import tsx bench/memoize.ts [--quick] [--wall]`; with the others:
 * `npm run bench -- memoize`. Peer configurations: `bench/memoize-peers.ts`.
 */
import { cpus, loadavg } from 'node:os';
import { LRUCache } from 'lru-cache';
import { canonicalKey, hashKey, memoize } from '../src/index.js';
import { memoryKey } from '../src/key/index.js';
import {
  type BenchReport,
  fmtRatio,
  gc,
  isMain,
  type Measurement,
  type MeasureOptions,
  markdownTable,
  measureAll,
  type RunOptions,
  summarize,
  textTable,
} from './harness.js';
import { run as runKeyBench } from './key.js';
import {
  asyncPeers,
  type Candidate,
  type Fn,
  keepsake,
  type Shape,
  syncPeers,
} from './memoize-peers.js';

/** Distinct keys of the "1,000 keys" pattern; one measured op is this many calls. */
const KEYS = 1000;
const CONCURRENT = 1000;

// ---------------------------------------------------------------------------------------------
// Arguments
// ---------------------------------------------------------------------------------------------

/** Precomputed parts of every key, a fixed random visiting order, and precomputed Map keys. */
interface Data {
  order: number[];
  a: number[];
  b: string[];
  u: number[];
  s: number[];
  p: number[];
  t: string[];
  /** Precomputed keys for the Map/LRU floor rows, per shape. */
  k: Record<Shape, unknown[]>;
}

function mulberry32(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function makeData(): Data {
  const rnd = mulberry32(0x6b656570);
  const order = Array.from({ length: KEYS }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const hex = () => Math.floor(rnd() * 16).toString(16);
  const data: Data = {
    order,
    a: Array.from({ length: KEYS }, (_, j) => 100_000 + j * 7),
    b: Array.from({ length: KEYS }, () => Array.from({ length: 32 }, hex).join('')),
    u: Array.from({ length: KEYS }, (_, j) => 1000 + j),
    s: Array.from({ length: KEYS }, (_, j) => 1_700_000_000_000 + j * 1000),
    p: Array.from({ length: KEYS }, (_, j) => j % 10),
    t: Array.from({ length: KEYS }, (_, j) => `team-${j % 10}`),
    k: { a: [], b: [], c: [], d: [] },
  };
  for (let j = 0; j < KEYS; j++) {
    data.k.a.push(data.a[j]);
    data.k.b.push(data.b[j]);
    data.k.c.push(JSON.stringify(argsOf(data, 'c', j)));
    data.k.d.push(JSON.stringify(argsOf(data, 'd', j)));
  }
  return data;
}

/**
 * The argument list of key `j`, as JavaScript source (for the generated loops, where `j` is
 * the key index) — and, below, the same list as values.
 */
const ARGS_SRC: Record<Shape, string> = {
  a: 'A[j]',
  b: 'B[j]',
  c: "{ userId: U[j], filters: { tags: ['a', 'b'], since: S[j] }, page: P[j] }",
  d: 'U[j], T[j], [P[j], S[j], 7]',
};
/** What the `(arg build only)` row builds: the fresh object or array, nothing else. */
const BUILD_SRC: Partial<Record<Shape, string>> = {
  c: ARGS_SRC.c,
  d: '[P[j], S[j], 7]',
};

function argsOf(d: Data, shape: Shape, j: number): unknown[] {
  switch (shape) {
    case 'a':
      return [d.a[j]];
    case 'b':
      return [d.b[j]];
    case 'c':
      return [{ userId: d.u[j], filters: { tags: ['a', 'b'], since: d.s[j] }, page: d.p[j] }];
    case 'd':
      return [d.u[j], d.t[j], [d.p[j], d.s[j], 7]];
  }
}

interface Counter {
  n: number;
}

interface Obj {
  userId: number;
  filters: { tags: string[]; since: number };
  page: number;
}

/** The memoized function of each shape: cheap, a distinct result per key, counts its calls. */
function target(shape: Shape, counter: Counter, isAsync: boolean): Fn {
  const wrapAsync = (f: Fn): Fn =>
    // A real `async function`, so keepsake sees it as async up front, as users write them.
    async function (this: unknown, ...args: unknown[]) {
      return f.apply(this, args);
    };
  let f: Fn;
  switch (shape) {
    case 'a':
      f = (x: number) => {
        counter.n++;
        return x * 2 + 1;
      };
      break;
    case 'b':
      f = (x: string) => {
        counter.n++;
        return `${x}#`;
      };
      break;
    case 'c':
      f = (o: Obj) => {
        counter.n++;
        return o.userId * 16 + o.page;
      };
      break;
    case 'd':
      f = (n: number, _t: string, arr: number[]) => {
        counter.n++;
        return n * 16 + arr[0]!;
      };
      break;
  }
  if (!isAsync) return f;
  // Keep `length` (fast-memoize picks its strategy by it).
  const g = wrapAsync(f);
  Object.defineProperty(g, 'length', { value: f.length });
  return g;
}

function expected(d: Data, shape: Shape, j: number): unknown {
  return target(shape, { n: 0 }, false)(...argsOf(d, shape, j));
}

// ---------------------------------------------------------------------------------------------
// Generated loops
// ---------------------------------------------------------------------------------------------

type LoopKind = 'call' | 'get' | 'build' | 'keyOf' | 'memoryKey' | 'canonicalKey' | 'hashKey';

/**
 * One measured op: KEYS calls. Compiled per candidate so each gets its own feedback and
 * optimised code (closures of one literal would share them).
 */
function compileLoop(
  kind: LoopKind,
  shape: Shape,
  hot: boolean,
  isAsync: boolean,
  f: unknown,
  data: Data,
): () => unknown {
  const args = ARGS_SRC[shape];
  const expr = {
    call: `f(${args})`,
    get: 'f.get(K[j])',
    build: BUILD_SRC[shape] ?? args,
    keyOf: `f.keyOf(${args})`,
    memoryKey: `f.memoryKey(${args})`,
    canonicalKey: `f.canonicalKey(${args})`,
    hashKey: `f.hashKey(${args})`,
  }[kind];
  const awaitKw = isAsync && kind !== 'build' ? 'await ' : '';
  const src = `
    const O = D.order, A = D.a, B = D.b, U = D.u, S = D.s, P = D.p, T = D.t, K = D.k.${shape};
    return ${isAsync ? 'async ' : ''}function loop() {
      let r;
      for (let i = 0; i < ${KEYS}; i++) {
        const j = ${hot ? '0' : 'O[i]'};
        r = ${awaitKw}${expr};
      }
      return r;
    };`;
  return new Function('f', 'D', src)(f, data) as () => unknown;
}

// ---------------------------------------------------------------------------------------------
// Async measurement (harness.ts's measureAll is synchronous)
// ---------------------------------------------------------------------------------------------

/**
 * `measureAll` for async ops: the same warm-up, interleaved rotating rounds, GC before each
 * round and both clocks. The ops only await settled promises (microtasks, no I/O), so the
 * process is never idle inside a round and the CPU clock is as valid as for sync work.
 */
async function measureAllAsync(
  fns: Array<() => unknown>,
  options: MeasureOptions,
): Promise<Measurement[]> {
  const warmupMs = options.warmupMs ?? 150;
  const roundMs = options.roundMs ?? 80;
  const roundsWanted = options.rounds ?? 7;
  const maxMs = options.maxMs ?? 2500;
  const plan = [];
  for (const fn of fns) {
    gc();
    const start = performance.now();
    let calls = 0;
    while (calls < 2 || performance.now() - start < warmupMs) {
      await fn();
      calls++;
    }
    const msPerCall = (performance.now() - start) / calls;
    const iterations = Math.max(1, Math.round(roundMs / msPerCall));
    const budget = Math.floor(maxMs / (msPerCall * iterations));
    const rounds = Math.max(3, Math.min(roundsWanted, budget));
    plan.push({ fn, iterations, rounds, wall: [] as number[], cpu: [] as number[] });
  }
  const maxRounds = Math.max(...plan.map((p) => p.rounds));
  for (let r = 0; r < maxRounds; r++) {
    for (let k = 0; k < plan.length; k++) {
      const p = plan[(k + r) % plan.length]!;
      if (r >= p.rounds) continue;
      gc();
      const cpu0 = process.cpuUsage();
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < p.iterations; i++) await p.fn();
      const elapsed = Number(process.hrtime.bigint() - t0);
      const cpu = process.cpuUsage(cpu0);
      p.wall.push((p.iterations * 1e9) / elapsed);
      p.cpu.push((p.iterations * 1e6) / Math.max(1, cpu.user + cpu.system));
    }
  }
  return plan.map((p) => summarize(p, options.clock));
}

// ---------------------------------------------------------------------------------------------
// Groups
// ---------------------------------------------------------------------------------------------

type Role = 'keepsake' | 'peer' | 'floor' | 'build';

/** One row of a group: a candidate, whether it really hit, and its two patterns' costs. */
interface Row {
  name: string;
  role: Role;
  config: string;
  /** 'hit', or why the row may not be compared ("miss: 12 recomputes", "WRONG ...", "error"). */
  status: string;
  /** ns per call, hot key / 1,000 keys (undefined when not timed). */
  hot?: number;
  spreadHot?: number;
  keys?: number;
  spreadKeys?: number;
  wallKeys?: number;
}

interface Group {
  title: string;
  shape: Shape;
  isAsync: boolean;
  rows: Row[];
}

interface Entry {
  row: Row;
  counter: Counter;
  fn: unknown;
  kind: LoopKind;
}

async function prepare(
  entry: Entry,
  cand: Candidate,
  shape: Shape,
  isAsync: boolean,
  data: Data,
): Promise<void> {
  const { row, counter } = entry;
  try {
    const memo = cand.make(target(shape, counter, isAsync));
    entry.fn = memo;
    for (let j = 0; j < KEYS; j++) await memo(...argsOf(data, shape, j));
    const before = counter.n;
    for (let j = 0; j < KEYS; j++) {
      const got = await memo(...argsOf(data, shape, j));
      const want = expected(data, shape, j);
      if (got !== want) {
        row.status = `WRONG: key ${j} gave ${String(got)}, expected ${String(want)}`;
        return;
      }
    }
    if (counter.n !== before) row.status = `miss: ${counter.n - before} of ${KEYS} recomputed`;
  } catch (error) {
    row.status = `error: ${(error as Error).message}`;
  }
}

async function runGroup(
  shape: Shape,
  isAsync: boolean,
  data: Data,
  mo: MeasureOptions,
): Promise<Group> {
  const entries: Entry[] = [];
  const floor = (name: string, config: string, fn: unknown): Entry => ({
    row: { name, role: 'floor', config, status: 'hit' },
    counter: { n: 0 },
    fn,
    kind: 'get',
  });
  const map = new Map<unknown, unknown>();
  const lru = new LRUCache<string | number, number | string>({ max: 2048 });
  for (let j = 0; j < KEYS; j++) {
    const key = data.k[shape][j] as string | number;
    const value = expected(data, shape, j) as number | string;
    map.set(key, value);
    lru.set(key, value);
  }
  entries.push(
    floor(
      isAsync ? 'await Map.get (floor)' : 'Map.get (floor)',
      'precomputed key, no argument building',
      map,
    ),
  );
  if (!isAsync) entries.push(floor('lru-cache.get (floor)', 'precomputed key, max 2048', lru));
  if (BUILD_SRC[shape] !== undefined) {
    entries.push({
      row: {
        name: '(arg build only)',
        role: 'build',
        config: 'builds the fresh argument, no call',
        status: 'hit',
      },
      counter: { n: 0 },
      fn: undefined,
      kind: 'build',
    });
  }
  const cands = [keepsake, ...(isAsync ? asyncPeers(shape) : syncPeers(shape))];
  for (const cand of cands) {
    const entry: Entry = {
      row: {
        name: cand.name,
        role: cand === keepsake ? 'keepsake' : 'peer',
        config: cand.config,
        status: 'hit',
      },
      counter: { n: 0 },
      fn: undefined,
      kind: 'call',
    };
    await prepare(entry, cand, shape, isAsync, data);
    entries.push(entry);
  }

  // Timed: only candidates that hit correctly, plus the "miss" ones (timed to show the cost,
  // never compared). WRONG and error rows are not timed.
  const timed = entries.filter((e) => e.row.status === 'hit' || e.row.status.startsWith('miss'));
  for (const hot of [true, false]) {
    const snapshot = timed.map((e) => e.counter.n);
    const loops = timed.map((e) => compileLoop(e.kind, shape, hot, isAsync, e.fn, data));
    const ms = isAsync ? await measureAllAsync(loops, mo) : measureAll(loops, mo);
    timed.forEach((e, i) => {
      const m = ms[i]!;
      const ns = m.nsPerOp / KEYS;
      if (hot) {
        e.row.hot = ns;
        e.row.spreadHot = m.spread;
      } else {
        e.row.keys = ns;
        e.row.spreadKeys = m.spread;
        e.row.wallKeys = 1e9 / m.wallOpsPerSec / KEYS;
      }
      const recomputed = e.counter.n - snapshot[i]!;
      if (recomputed > 0 && e.row.status === 'hit') {
        e.row.status = `miss: recomputed ${recomputed} times while timed (${hot ? 'hot' : '1k'})`;
      }
    });
  }
  const label = { a: 'one number', b: 'one 32-char string', c: 'fresh equal object', d: '3 args' };
  return {
    title: `${isAsync ? 'async' : 'sync'} (${shape}) ${label[shape]}`,
    shape,
    isAsync,
    rows: entries.map((e) => e.row),
  };
}

// ---------------------------------------------------------------------------------------------
// Concurrency, key derivation
// ---------------------------------------------------------------------------------------------

interface ConcurrencyRow {
  name: string;
  computations: Partial<Record<Shape, string>>;
}

async function concurrency(data: Data): Promise<ConcurrencyRow[]> {
  const rows = new Map<string, ConcurrencyRow>();
  for (const shape of ['a', 'c'] as const) {
    for (const cand of [keepsake, ...asyncPeers(shape)]) {
      const row = rows.get(cand.name) ?? { name: cand.name, computations: {} };
      rows.set(cand.name, row);
      const counter = { n: 0 };
      const slow = async (...args: unknown[]) => {
        counter.n++;
        await new Promise((r) => setTimeout(r, 20));
        return target(shape, { n: 0 }, false)(...args);
      };
      Object.defineProperty(slow, 'length', { value: 1 });
      try {
        const memo = cand.make(slow);
        const j = 7;
        // Fresh (equal) arguments for every call, as independent callers would pass them.
        const results = await Promise.all(
          Array.from({ length: CONCURRENT }, () => memo(...argsOf(data, shape, j))),
        );
        const want = expected(data, shape, j);
        const bad = results.filter((r) => r !== want).length;
        row.computations[shape] = bad > 0 ? `${counter.n} (${bad} WRONG)` : String(counter.n);
      } catch (error) {
        row.computations[shape] = `error: ${(error as Error).message}`;
      }
    }
  }
  return [...rows.values()];
}

interface KeyRow {
  name: string;
  ns: number;
  net?: number;
}

function keyDerivation(data: Data, mo: MeasureOptions): KeyRow[] {
  const memo = memoize(target('c', { n: 0 }, false));
  const lib = { canonicalKey, hashKey, memoryKey };
  const specs: Array<[string, LoopKind, unknown]> = [
    ['(arg build only)', 'build', undefined],
    ['memory key a call derives (c)', 'memoryKey', lib],
    ['memoized.keyOf(obj) (c), as hex', 'keyOf', memo],
    ['canonicalKey(obj) (c)', 'canonicalKey', lib],
    ['hashKey(obj) (c)', 'hashKey', lib],
  ];
  const ms = measureAll(
    specs.map(([, kind, f]) => compileLoop(kind, 'c', false, false, f, data)),
    mo,
  );
  const build = ms[0]!.nsPerOp / KEYS;
  return specs.map(([name], i) => {
    const ns = ms[i]!.nsPerOp / KEYS;
    return i === 0 ? { name, ns } : { name, ns, net: ns - build };
  });
}

// ---------------------------------------------------------------------------------------------
// Targets and report
// ---------------------------------------------------------------------------------------------

interface Target {
  name: string;
  goal: string;
  measured: string;
  pass: boolean;
  note: string;
}

const ns = (x: number | undefined) =>
  x === undefined ? '' : x >= 100 ? x.toFixed(0) : x.toFixed(x >= 10 ? 1 : 2);

function buildCost(g: Group, pattern: 'hot' | 'keys'): number {
  return g.rows.find((r) => r.role === 'build')?.[pattern] ?? 0;
}

/** ns/call net of the argument building (0 for shapes (a), (b); floor rows build nothing). */
function net(g: Group, r: Row, pattern: 'hot' | 'keys'): number | undefined {
  const v = r[pattern];
  if (v === undefined) return undefined;
  return r.role === 'keepsake' || r.role === 'peer' ? v - buildCost(g, pattern) : v;
}

function fastestPeer(g: Group): Row | undefined {
  const peers = g.rows.filter((r) => r.role === 'peer' && r.status === 'hit' && r.keys);
  return peers.sort((x, y) => x.keys! - y.keys!)[0];
}

function targets(groups: Group[], keys: KeyRow[], hashGbs: number | undefined): Target[] {
  const out: Target[] = [];
  const find = (shape: Shape, isAsync: boolean) =>
    groups.find((g) => g.shape === shape && g.isAsync === isAsync)!;
  const ks = (g: Group) => g.rows.find((r) => r.role === 'keepsake')!;
  const usable = (r: Row) => r.status === 'hit' && r.keys !== undefined;

  for (const [shape, isAsync, limit] of [
    ['a', false, 2],
    ['b', false, 2],
    ['a', true, 1.2],
  ] as const) {
    const g = find(shape, isAsync);
    const k = ks(g);
    const floor = g.rows.find((r) => r.role === 'floor')!;
    const ratio = k.keys! / floor.keys!;
    out.push({
      name: `${isAsync ? 'async' : 'sync'} hit (${shape}), 1,000 keys: keepsake / ${floor.name.replace(' (floor)', '')}`,
      goal: `<= ${limit}x`,
      measured: `${fmtRatio(ratio)} (${ns(k.keys)} vs ${ns(floor.keys)} ns)`,
      pass: usable(k) && ratio <= limit,
      note: `wall-clock ${fmtRatio(k.wallKeys! / floor.wallKeys!)}; keepsake ${k.status}`,
    });
  }
  for (const [shape, isAsync] of [
    ['c', false],
    ['d', false],
    ['c', true],
  ] as const) {
    const g = find(shape, isAsync);
    const k = ks(g);
    const peer = fastestPeer(g);
    if (peer === undefined) {
      out.push({
        name: `${isAsync ? 'async' : 'sync'} hit (${shape}), 1,000 keys: fastest correct peer / keepsake`,
        goal: '>= 3x',
        measured: 'n/a',
        pass: false,
        note: 'no peer hit correctly',
      });
      continue;
    }
    const ratio = net(g, peer, 'keys')! / net(g, k, 'keys')!;
    const gross = peer.keys! / k.keys!;
    const excluded = g.rows.filter((r) => r.role === 'peer' && r.status !== 'hit');
    out.push({
      name: `${isAsync ? 'async' : 'sync'} hit (${shape}), 1,000 keys: ${isAsync ? 'every' : 'fastest correct'} peer / keepsake`,
      goal: '>= 3x',
      measured: `${fmtRatio(ratio)} (${peer.name} ${ns(net(g, peer, 'keys'))} vs ${ns(net(g, k, 'keys'))} ns net)`,
      pass: usable(k) && ratio >= 3,
      note:
        `incl. arg build ${fmtRatio(gross)}; wall-clock ${fmtRatio(peer.wallKeys! / k.wallKeys!)}` +
        (excluded.length ? `; excluded: ${excluded.map((r) => r.name).join(', ')}` : ''),
    });
  }
  const derived = keys.find((r) => r.name.startsWith('memory key'))!;
  const keyOf = keys.find((r) => r.name.startsWith('memoized.keyOf'))!;
  out.push({
    name: 'key derivation (c): the memory key a call derives',
    goal: '< 150 ns',
    measured: `${ns(derived.net)} ns`,
    pass: derived.net! < 150,
    note: `arg build excluded; keyOf (the same key as 32 hex chars) ${ns(keyOf.net)} ns`,
  });
  if (hashGbs !== undefined) {
    out.push({
      name: 'hashKey(64 MB buffer)',
      goal: '>= 8 GB/s',
      measured: `${hashGbs.toFixed(2)} GB/s`,
      pass: hashGbs >= 8,
      note: 'bench/key.ts row, CPU time',
    });
  }
  return out;
}

function groupTable(g: Group): [string[], string[][], boolean[]] {
  const k = g.rows.find((r) => r.role === 'keepsake')!;
  const hasBuild = g.rows.some((r) => r.role === 'build');
  const header = [
    'candidate',
    'hot ns/call',
    '1k keys ns/call',
    ...(hasBuild ? ['1k net of build'] : []),
    '± (1k)',
    'keepsake faster by (1k)',
    'hits',
  ];
  const rows = g.rows.map((r) => {
    const speedup =
      r.role === 'peer' && r.keys !== undefined && k.keys !== undefined
        ? fmtRatio(net(g, r, 'keys')! / net(g, k, 'keys')!)
        : '';
    return [
      r.name,
      ns(r.hot),
      ns(r.keys),
      ...(hasBuild ? [r.role === 'build' ? '' : ns(net(g, r, 'keys'))] : []),
      r.spreadKeys === undefined ? '' : `${(r.spreadKeys * 100).toFixed(0)}%`,
      r.status === 'hit' ? speedup : r.role === 'peer' ? '(excluded)' : '',
      r.role === 'build' ? '' : r.status,
    ];
  });
  return [header, rows, header.map((_, i) => i > 0 && i < header.length - 1)];
}

/**
 * Runs the whole memoize bench and returns its markdown for `bench/RESULTS.md`.
 *
 * @example
 * ```ts
 * import { run } from './memoize.js';
 * const { markdown, failed } = await run({ scale: 0.3 });
 * ```
 */
export async function run(options: RunOptions = {}): Promise<BenchReport> {
  const scale = options.scale ?? 1;
  const clock = process.argv.includes('--wall') ? 'wall' : 'cpu';
  const mo: MeasureOptions = {
    warmupMs: 100 * scale,
    roundMs: 40 * scale,
    rounds: 7,
    maxMs: 1500 * scale,
    clock,
  };
  const started = performance.now();
  const load0 = loadavg()[0]!.toFixed(2);
  const data = makeData();
  const log = (s: string) => {
    if (isMain(import.meta.url)) console.log(s);
  };

  const groups: Group[] = [];
  for (const shape of ['a', 'b', 'c', 'd'] as const) {
    groups.push(await runGroup(shape, false, data, mo));
    log(`done: sync (${shape})`);
  }
  for (const shape of ['a', 'c'] as const) {
    groups.push(await runGroup(shape, true, data, mo));
    log(`done: async (${shape})`);
  }
  const conc = await concurrency(data);
  const keys = keyDerivation(data, mo);
  const keyRows = runKeyBench();
  const hashGbs = keyRows.find((r) => r.name.startsWith('hashKey(64 MB'))?.gbPerSec;
  const ts = targets(groups, keys, hashGbs);
  const concPass = conc.find((r) => r.name === 'keepsake')!;
  ts.push({
    name: `${CONCURRENT} concurrent calls, cold key: keepsake computations`,
    goal: '1',
    measured: `(a) ${concPass.computations.a}, (c) ${concPass.computations.c}`,
    pass: concPass.computations.a === '1' && concPass.computations.c === '1',
    note: 'fresh equal arguments per call; fn resolves after 20 ms',
  });

  const md: string[] = [];
  const text: string[] = [];
  const both = (title: string, t: [string[], string[][], boolean[]]) => {
    md.push(`### ${title}`, '', markdownTable(...t), '');
    text.push(`\n${title}\n${textTable(...t)}`);
  };
  both('Targets', [
    ['target', 'goal', 'measured', 'result', 'note'],
    ts.map((t) => [t.name, t.goal, t.measured, t.pass ? 'PASS' : 'FAIL', t.note]),
    [false, true, true, false, false],
  ]);
  for (const g of groups) both(g.title, groupTable(g));
  both(`${CONCURRENT} concurrent calls on one cold key: computations`, [
    ['candidate', '(a) number', '(c) fresh equal object'],
    conc.map((r) => [r.name, r.computations.a ?? '', r.computations.c ?? '']),
    [false, true, true],
  ]);
  both('Key derivation, shape (c), 1,000 keys', [
    ['what', 'ns/call', 'net of build'],
    keys.map((r) => [r.name, ns(r.ns), ns(r.net)]),
    [false, true, true],
  ]);
  const configs = new Map<string, string>();
  for (const g of groups) {
    for (const r of g.rows) {
      if (r.role !== 'build') configs.set(`${r.name} — ${g.title}`, r.config);
    }
  }
  md.push(
    '### Configurations',
    '',
    ...[...configs].map(([k, v]) => `- ${k}: \`${v}\``),
    '',
    `ns/call = median over ${mo.rounds} interleaved rounds of ops of ${KEYS} calls; ` +
      `clock: ${clock === 'cpu' ? 'process CPU time (`--wall` for wall-clock)' : 'wall-clock'}; ` +
      `load average ${load0} at start, ${loadavg()[0]!.toFixed(2)} at end on ${cpus().length} cores; ` +
      `${((performance.now() - started) / 1000).toFixed(0)} s.`,
  );
  text.push(`\n${md[md.length - 1]}`);
  if (isMain(import.meta.url)) console.log(text.join('\n'));
  else console.log(`\n## memoize\n${text.join('\n')}`);
  return { markdown: md.join('\n'), failed: ts.some((t) => !t.pass) };
}

if (isMain(import.meta.url)) {
  const quick = process.argv.includes('--quick');
  await run({ scale: quick ? 0.3 : 1 });
}
