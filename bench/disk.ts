/**
 * The disk tier against its limits and peers, side by side in one run (issue 5's contract):
 *
 * - limits: raw `fs` — `readFileSync` of a file per key; write temp + `renameSync`;
 * - keepsake `diskStore()` (LMDB index for values <= 64 KiB, a file per larger value);
 * - peers: cacache 19 (npm's cache, async), flat-cache 6 (one JSON file), and LMDB used
 *   directly (`getBinary` / `putSync`, opened as keepsake opens it) — the engine underneath, i.e. keepsake's cost
 *   of checksums, LRU bookkeeping and indexes.
 *
 * Sync candidates are timed in CPU time (see `measureCpu`), rounds interleaved with a GC
 * before each; async candidates (cacache, getAsync) in wall time with an awaited loop, in the
 * same window.
 * Warm page cache throughout: every file is read once before timing.
 *
 * `node --import tsx bench/disk.ts [--quick]` prints the tables; `run()` returns the markdown
 * for bench/RESULTS.md (between `<!-- disk:start -->` and `<!-- disk:end -->`).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import cacache from 'cacache';
import { create as createFlatCache } from 'flat-cache';
import { open as openLmdb } from 'lmdb';
import { serialize } from '../src/codec/index.js';
import { DiskStore } from '../src/stores/disk-store.js';
import type { StoreEntry } from '../src/stores/store.js';
import {
  type BenchReport,
  fmtOps,
  fmtRatio,
  gc,
  isMain,
  markdownTable,
  type RunOptions,
  textTable,
} from './harness.js';

// Every result escapes here so that V8 cannot prove a timed call dead and drop it.
let sink: unknown;

/** The last result a timed call returned (exists so the sink is observable, hence not dead). */
export function lastDiskResult(): unknown {
  return sink;
}

interface Row {
  name: string;
  us: number;
}

function cpuNs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) * 1000;
}

/**
 * Median µs of CPU time (user + system, this process) per call of each function, rounds
 * interleaved in rotating order with a GC before each. CPU rather than wall time: the shared
 * machine this runs on was seen at a load average of 10-15 on 2 cores, where wall-clock
 * samples of the same call differed 5x from second to second; system time still counts every
 * system call, page fault and copy the candidates make.
 */
function measureCpu(fns: Array<() => unknown>, scale: number, rounds = 9): number[] {
  const targetNs = 60e6 * scale;
  const plan = fns.map((fn) => {
    gc();
    const t0 = process.hrtime.bigint();
    let calls = 0;
    while (calls < 3 || Number(process.hrtime.bigint() - t0) < 100e6 * scale) {
      sink = fn();
      calls++;
    }
    const per = Number(process.hrtime.bigint() - t0) / calls;
    return { fn, n: Math.max(3, Math.round(targetNs / per)), samples: [] as number[] };
  });
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < plan.length; k++) {
      const p = plan[(k + r) % plan.length]!;
      gc();
      const t0 = cpuNs();
      for (let i = 0; i < p.n; i++) sink = p.fn();
      p.samples.push((cpuNs() - t0) / p.n / 1000);
    }
  }
  return plan.map((p) => {
    p.samples.sort((a, b) => a - b);
    return p.samples[p.samples.length >> 1]!;
  });
}

/** Median µs per awaited call of an async function (wall time: its I/O runs on other threads). */
async function measureAsync(
  fn: (i: number) => Promise<unknown>,
  n: number,
  rounds = 5,
): Promise<number> {
  for (let i = 0; i < Math.min(n, 50); i++) sink = await fn(i);
  const samples: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) sink = await fn(i);
    samples.push(Number(process.hrtime.bigint() - t0) / 1000 / n);
  }
  samples.sort((a, b) => a - b);
  return samples[samples.length >> 1]!;
}

/**
 * The bytes a disk tier is handed: a codec envelope (`serialize`) of a Uint8Array, `size`
 * bytes in all. Every candidate stores these same bytes.
 */
function bytes(size: number, seed: number): Buffer {
  const make = (n: number) => {
    const payload = new Uint8Array(n);
    for (let i = 0; i < n; i++) payload[i] = (i * 31 + seed) & 0xff;
    return Buffer.from(serialize(payload));
  };
  let out = make(size - 24);
  if (out.length !== size) out = make(size - 24 - (out.length - size));
  if (out.length !== size) throw new Error(`bench value is ${out.length} bytes, not ${size}`);
  return out;
}

const entry = (value: Uint8Array): StoreEntry => ({ value, createdAt: Date.now() });

function rmrf(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

interface Group {
  title: string;
  rows: Row[];
}

/** get or put of `size`-byte values over `keys` keys, every candidate side by side. */
async function compare(
  root: string,
  op: 'get' | 'put',
  size: number,
  keys: number,
  scale: number,
): Promise<Group> {
  const dir = path.join(root, `${op}-${size}`);
  rmrf(dir);
  const raw = path.join(dir, 'raw');
  fs.mkdirSync(raw, { recursive: true });
  const value = bytes(size, 7);
  const store = new DiskStore({ dir: path.join(dir, 'keepsake'), maxBytes: 8 * 1024 ** 3 });
  const lmdb = openLmdb({
    path: path.join(dir, 'lmdb.mdb'),
    noSubdir: true,
    compression: false,
    encoding: 'binary',
  });
  const cacheDir = path.join(dir, 'cacache');
  for (let i = 0; i < keys; i++) {
    fs.writeFileSync(path.join(raw, `k${i}`), value);
    store.set(`k${i}`, entry(value));
    lmdb.putSync(`k${i}`, value);
    await cacache.put(cacheDir, `k${i}`, value);
  }
  // flat-cache keeps everything in one JSON document: values as base64 strings.
  const flat = createFlatCache({ cacheId: 'bench', cacheDir: path.join(dir, 'flat') });
  const flatKeys = Math.min(keys, 1_000);
  for (let i = 0; i < flatKeys; i++) flat.setKey(`k${i}`, value.toString('base64'));
  flat.save();
  let i = 0;
  let tmp = 0;
  const sync: Array<[string, () => unknown]> =
    op === 'get'
      ? [
          ['raw fs: readFileSync', () => fs.readFileSync(path.join(raw, `k${i++ % keys}`))],
          ['keepsake diskStore.get', () => store.get(`k${i++ % keys}`)],
          ['lmdb getBinary (direct)', () => lmdb.getBinary(`k${i++ % keys}`)],
          ['flat-cache getKey (in memory)', () => flat.getKey(`k${i++ % flatKeys}`)],
        ]
      : [
          [
            'raw fs: write temp + rename',
            () => {
              const temp = path.join(raw, `.t${tmp++}`);
              const fd = fs.openSync(temp, 'wx');
              fs.writeSync(fd, value);
              fs.closeSync(fd);
              fs.renameSync(temp, path.join(raw, `k${i++ % keys}`));
            },
          ],
          ['keepsake diskStore.set', () => store.set(`k${i++ % keys}`, entry(value))],
          ['lmdb putSync (direct)', () => lmdb.putSync(`k${i++ % keys}`, value)],
        ];
  // Warm the page cache: every file and page read once.
  for (let k = 0; k < keys; k++) for (const [, fn] of sync) sink = fn();
  const measured = measureCpu(
    sync.map(([, fn]) => fn),
    scale,
  );
  const rows: Row[] = sync.map(([name], k) => ({ name, us: measured[k]! }));
  const n = Math.max(20, Math.round((size >= 1 << 20 ? 40 : 300) * scale));
  if (op === 'get') {
    rows.push({
      name: 'cacache.get (async)',
      us: await measureAsync((j) => cacache.get(cacheDir, `k${j % keys}`), n),
    });
    if (size > 64 * 1024) {
      rows.push({
        name: 'keepsake diskStore.getAsync',
        us: await measureAsync((j) => store.getAsync(`k${j % keys}`), n),
      });
    }
  } else {
    rows.push({
      name: 'cacache.put (async)',
      us: await measureAsync((j) => cacache.put(cacheDir, `k${j % keys}`, value), n),
    });
    rows.push({
      name: 'flat-cache setKey + save (1,000 keys)',
      us: await measureAsync(
        async (j) => {
          flat.setKey(`k${j % flatKeys}`, value.toString('base64'));
          flat.save();
        },
        Math.max(10, Math.round(50 * scale)),
      ),
    });
  }
  store.close();
  await lmdb.close();
  rmrf(dir);
  const label = size >= 1 << 20 ? `${size >> 20} MB` : `${size >> 10} KB`;
  return { title: `${op} ${label}, ${keys.toLocaleString('en')} keys`, rows };
}

/** keepsake get and put latency (random keys) in a store of `count` 256-byte entries. */
function atScale(
  root: string,
  count: number,
  scale: number,
): { get: number; put: number; fillS: number } {
  const dir = path.join(root, `scale-${count}`);
  rmrf(dir);
  // The clock stands still from the start of the fill: no entry ever looks a minute old, so no
  // read is recorded for LRU (a deferred rewrite of its record, see TOUCH_RESOLUTION) at either
  // size and the rows compare lookups and writes alone. What recording costs is in RESULTS.md.
  const frozen = Date.now();
  const store = new DiskStore({ dir, maxBytes: 16 * 1024 ** 3, now: () => frozen });
  const value = bytes(256, 3);
  const t0 = process.hrtime.bigint();
  // The fill goes through setMany (one commit per 10,000): the same records, indexes and
  // checksums as set(), only fewer commits. The timed gets and sets below are single calls.
  store.setMany(
    (function* () {
      for (let i = 0; i < count; i++) yield [`key:${i}`, entry(value)] as const;
    })(),
  );
  const fillS = Number(process.hrtime.bigint() - t0) / 1e9;
  // Random keys across the whole store, the same sequence for both sizes.
  let x = 12345;
  const next = () => {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    return x % count;
  };
  // Warm: every entry read once, so the page cache and this process's mapping hold the whole
  // index (LMDB reads through mmap; an unmapped page costs a fault on first touch).
  for (let i = 0; i < count; i++) sink = store.get(`key:${i}`);
  const [get, put] = measureCpu(
    [() => store.get(`key:${next()}`), () => store.set(`key:${next()}`, entry(value))],
    scale,
  );
  store.close();
  rmrf(dir);
  return { get: get!, put: put!, fillS };
}

/** The reasoning behind the layout, kept with the tables it explains (RESULTS.md's disk block). */
const NOTES = `Layout: **an LMDB index (lmdb-js, prebuilt binaries) holding values up to 64 KiB inline,
and one file per larger value** (python-diskcache's and Parcel's split; format drawn in
\`src/stores/disk/index-format.ts\`). Chosen by these measurements on this machine, where a system
call costs several µs (\`readFileSync\` of 1 KB is four of them):

- File per entry cannot meet "put at most half of write-temp-and-rename": an atomic file write
  *is* write-temp-and-rename. It also reads at best at \`readFileSync\` speed.
- SQLite (better-sqlite3 12, WAL, \`synchronous=NORMAL\`), probed with the same 1 KB values:
  get 20-36 µs (file locks on every read transaction), put 317-360 µs against 515-599 µs for
  write-temp-and-rename (0.6x: misses the 0.5x target), and a 6.5-minute node-gyp compile on
  install here (its prebuilt download is refused on this machine). Dropped.
- LMDB: get 1.5-3 µs (a lookup touches mapped pages, no system call); 1 MB values read 3-4x
  slower from the map than from a file, hence blob files above 64 KiB. \`putSync\` costs
  20-30 µs with \`noSync\` and 300-450 µs synced (the flush). Synced is what keepsake runs:
  with \`noSync\`, one writer process killed at random while another kept writing damaged the
  index (MDB_PROBLEM, "mdb_page_touch no parent") within 50-260 kills here, with lmdb alone,
  even paced like a synced loop; synced, 900 kills under the same load left it whole. (Found
  later: LMDB's open races other processes' commits, and each killed writer's successor opened
  while the other wrote; keepsake now opens and writes behind a gate, see index-gate.ts. Behind the gate, \`noSync\`
  came through 6 of 6 runs of the 200-kill test, three side by side; commits stay flushed for
  power-loss safety.) So the put target below (set up when commits were not flushed) is now missed: a put is about one
  write-temp-and-rename, and unlike one it survives a power loss. lmdb ships prebuilt binaries for Linux/macOS/Windows x64 and arm64 inside its npm
  packages: no compiler and no install script needed (npm 11 skips its script; it loads anyway).
- No pure-JS layout met the put target; a log-structured store would, but a multi-process index
  with compaction is a database of its own.

Design points the numbers forced:
- 1 MB reads: the entry checksum of a value file that is a codec envelope hashes only the
  envelope's 20-byte header (which holds the codec's xxh64 of the payload, checked on decode:
  the cache then removes the entry and counts the error). Hashing 1 MB twice made get 2.8x
  \`readFileSync\`; now 1.0x. Raw (non-codec) bytes are hashed whole by the store.
- LRU is approximate (Redis-style): eviction reads a window of 256 records from a round-robin
  cursor and drops the least recently used of them; a read is recorded (a rewrite of its record,
  batched 512 per commit) at most once a minute per entry. An ordered use-time index cost a random
  B-tree update per write and per read: puts were 1.85x slower at 300,000 entries, 1.36x without.
- Scale rows freeze the store clock, so no read is recorded for LRU at either size. With a live
  clock, a million distinct reads per minute each schedule a record rewrite: that run measured
  get 32.7 µs at 1,000,000 vs 4.76 µs at 10,000 and set 232 vs 77.7 µs — the price of LRU
  bookkeeping at that churn, not of the lookup.

Timing: CPU time (user + system) of this process for sync calls, rounds interleaved; wall time
for async ones. Other sessions kept this 2-core machine at a load average of 10-15 during these
runs; wall-clock samples of one call varied 5x between rounds.`;

const us = (n: number) => (n >= 100 ? n.toFixed(0) : n.toFixed(n >= 10 ? 1 : 2));

/**
 * Runs every comparison and returns the markdown for RESULTS.md (tables, then each target
 * with its measured ratio and pass/fail).
 *
 * @example
 * ```ts
 * import { run } from './disk.js';
 * const { markdown, failed } = await run({ scale: 0.3 });
 * ```
 */
export async function run(options: RunOptions = {}): Promise<BenchReport> {
  const scale = options.scale ?? 1;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'keepsake-bench-disk-'));
  const big = scale >= 1 ? 1_000_000 : 300_000;
  try {
    const groups = [
      await compare(root, 'get', 1024, 1_000, scale),
      await compare(root, 'get', 1 << 20, 8, scale),
      await compare(root, 'put', 1024, 1_000, scale),
    ];
    const small = atScale(root, 10_000, scale);
    const large = atScale(root, big, scale);

    const find = (g: number, prefix: string) =>
      groups[g]!.rows.find((r) => r.name.startsWith(prefix))!.us;
    const targets: Array<[string, number, string, boolean]> = [];
    const check = (name: string, ratio: number, goal: string, ok: boolean) =>
      targets.push([name, ratio, goal, ok]);
    const atMost = (name: string, ratio: number, limit: number) =>
      check(name, ratio, `<= ${limit}x`, ratio <= limit);
    const get1k = find(0, 'keepsake diskStore.get');
    atMost('get 1 KB / readFileSync', get1k / find(0, 'raw fs'), 2);
    atMost('get 1 MB / readFileSync', find(1, 'keepsake diskStore.get') / find(1, 'raw fs'), 1.5);
    const vsCacache = find(0, 'cacache') / get1k;
    check('cacache.get 1 KB / get 1 KB', vsCacache, '>= 20x', vsCacache >= 20);
    atMost(
      'put 1 KB / write temp + rename',
      find(2, 'keepsake diskStore.set') / find(2, 'raw fs'),
      0.5,
    );
    const at = big.toLocaleString('en');
    atMost(`get at ${at} / at 10,000`, large.get / small.get, 1.5);
    atMost(`put at ${at} / at 10,000`, large.put / small.put, 1.5);

    const md: string[] = [];
    const text: string[] = [];
    for (const g of groups) {
      const base = g.rows[0]!.us;
      const header = ['candidate', 'µs/op', 'ops/s', `vs ${g.rows[0]!.name}`];
      const rows = g.rows.map((r) => [r.name, us(r.us), fmtOps(1e6 / r.us), fmtRatio(r.us / base)]);
      md.push(`### ${g.title}\n\n${markdownTable(header, rows, [false, true, true, true])}`);
      text.push(`${g.title}\n${textTable(header, rows, [false, true, true, true])}`);
    }
    const scaleHeader = ['entries (256 B each)', 'get µs', 'set µs', 'fill (setMany) s'];
    const scaleRows = [
      ['10,000', us(small.get), us(small.put), small.fillS.toFixed(1)],
      [big.toLocaleString('en'), us(large.get), us(large.put), large.fillS.toFixed(1)],
    ];
    md.push(
      `### keepsake latency by store size (random keys)\n\n${markdownTable(scaleHeader, scaleRows, [false, true, true, true])}`,
    );
    text.push(
      `keepsake latency by store size\n${textTable(scaleHeader, scaleRows, [false, true, true, true])}`,
    );
    const targetHeader = ['target', 'measured', 'goal', 'met'];
    const targetRows = targets.map(([n, r, goal, ok]) => [n, fmtRatio(r), goal, ok ? 'yes' : 'NO']);
    md.push(
      `### Targets\n\n${markdownTable(targetHeader, targetRows, [false, true, false, false])}`,
    );
    text.push(`targets\n${textTable(targetHeader, targetRows, [false, true, false, false])}`);
    console.log(`\n${text.join('\n\n')}`);
    return { markdown: [NOTES, ...md].join('\n\n'), failed: targets.some((t) => !t[3]) };
  } finally {
    rmrf(root);
  }
}

if (isMain(import.meta.url)) {
  const report = await run({ scale: process.argv.includes('--quick') ? 0.3 : 1 });
  if (process.argv.includes('--markdown')) console.log(`\n${report.markdown}`);
  if (report.failed) process.exitCode = 1;
}
