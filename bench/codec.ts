/**
 * bench/codec — keepsake's codec against the codecs TypeScript users pick today (issue 3,
 * "Speed"), side by side in one process, every output checked for faithfulness.
 *
 * ```text
 *   for each payload P1..P4:
 *     for each codec:  encode once + decode with a FRESH codec instance -> deep-compare
 *                        threw          -> "n/a"      (cannot represent it; not timed)
 *                        came back wrong -> "lossy"   (timed, but never counted as a win)
 *                      encode ops/s, decode ops/s, round-trip ops/s, output bytes
 *   ratios + PASS/FAIL against the issue's targets
 * ```
 *
 * String codecs (JSON, superjson, devalue) are timed as users call them, string in and out;
 * their size is the UTF-8 length of that string. That flatters them slightly (a cache still
 * has to turn the string into bytes), which keeps the comparison conservative for keepsake.
 *
 * Run alone: `node --import tsx bench/codec.ts [--quick]`; with the others: `npm run bench`.
 */
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import v8 from 'node:v8';
import { Encoder as CborEncoder, isNativeAccelerationEnabled as cborNative } from 'cbor-x';
import * as devalue from 'devalue';
import { isNativeAccelerationEnabled as msgpackrNative, Packr } from 'msgpackr';
import superjson from 'superjson';
import {
  type BenchReport,
  firstDifference,
  fmtBytes,
  fmtOps,
  fmtRatio,
  isMain,
  type Measurement,
  type MeasureOptions,
  markdownTable,
  measureAll,
  type RunOptions,
  textTable,
} from './harness.js';
import { type Feature, makePayloads, type Payload } from './payloads.js';

type Encoded = Uint8Array | string;

interface CodecInstance {
  encode(value: unknown): Encoded;
  decode(encoded: Encoded): unknown;
}

interface Codec {
  name: string;
  /** How it is configured, for the notes under the tables. */
  setup: string;
  /** Payload features it cannot hold at all (reported n/a without running). */
  lacks: readonly Feature[];
  /** A fresh instance: verification decodes with a different one than encoded. */
  make(): CodecInstance;
  /** A reference row (what the hardware allows), not a codec: only on these payloads. */
  only?: readonly Payload['id'][];
}

const KEEPSAKE = 'keepsake';

function peers(): Codec[] {
  return [
    {
      name: 'msgpackr',
      setup: `new Packr({ structuredClone: true }) (native extract: ${msgpackrNative ? 'on' : 'OFF'})`,
      lacks: [],
      make() {
        const p = new Packr({ structuredClone: true });
        return { encode: (v) => p.pack(v), decode: (b) => p.unpack(b as Uint8Array) };
      },
    },
    {
      name: 'v8',
      setup: 'node:v8 serialize/deserialize',
      lacks: [],
      make: () => ({
        encode: (v) => v8.serialize(v),
        decode: (b) => v8.deserialize(b as Uint8Array),
      }),
    },
    {
      name: 'cbor-x',
      setup: `new Encoder({ structuredClone: true }) (native extract: ${cborNative ? 'on' : 'OFF'})`,
      lacks: [],
      make() {
        const c = new CborEncoder({ structuredClone: true });
        return { encode: (v) => c.encode(v), decode: (b) => c.decode(b as Uint8Array) };
      },
    },
    {
      name: 'superjson',
      setup: 'superjson.stringify/parse (string)',
      lacks: [],
      make: () => ({
        encode: (v) => superjson.stringify(v),
        decode: (s) => superjson.parse(s as string),
      }),
    },
    {
      name: 'devalue',
      setup: 'devalue.stringify/parse (string)',
      lacks: [],
      make: () => ({
        encode: (v) => devalue.stringify(v),
        decode: (s) => devalue.parse(s as string),
      }),
    },
    {
      name: '(copy limit)',
      setup: 'reference, P3 only: copy the bytes out, copy them into a fresh Float64Array',
      lacks: [],
      only: ['P3'],
      make: () => ({
        encode: (v) => {
          const f = v as Float64Array;
          return new Uint8Array(f.buffer, f.byteOffset, f.byteLength).slice();
        },
        decode: (b) => {
          const u = b as Uint8Array;
          const out = new Float64Array(u.byteLength / 8);
          new Uint8Array(out.buffer).set(u);
          return out;
        },
      }),
    },
    {
      name: '(utf8 limit)',
      setup: "reference, P4 only: Buffer.from(s, 'utf8') / buf.toString('utf8')",
      lacks: [],
      only: ['P4'],
      make: () => ({
        encode: (v) => Buffer.from(v as string, 'utf8'),
        decode: (b) => (b as Buffer).toString('utf8'),
      }),
    },
    {
      name: 'JSON',
      setup: 'JSON.stringify/parse, baseline (no reviver: Dates come back as strings)',
      // JSON.stringify(Float64Array) "works" but yields {"0":..} — not a representation.
      lacks: ['map', 'set', 'bigint', 'cycle', 'typedarray'],
      make: () => ({
        encode: (v) => JSON.stringify(v),
        decode: (s) => JSON.parse(s as string) as unknown,
      }),
    },
  ];
}

/** keepsake's codec, or why it cannot be benchmarked yet. */
async function loadKeepsake(): Promise<Codec | string> {
  // A computed specifier: the module is being written while this bench is, so it must not be
  // a compile-time dependency (tsc would fail on a missing export).
  // KEEPSAKE_CODEC=<path> benchmarks another build of it (a branch, dist/) instead.
  const override = process.env.KEEPSAKE_CODEC;
  const spec = override
    ? pathToFileURL(resolve(override)).href
    : new URL('../src/codec/index.ts', import.meta.url).href;
  let mod: Record<string, unknown>;
  try {
    mod = (await import(spec)) as Record<string, unknown>;
  } catch (err) {
    return `${override ?? 'src/codec/index.ts'} failed to load: ${(err as Error).message.split('\n')[0]}`;
  }
  const ser = mod.serialize;
  const de = mod.deserialize;
  if (typeof ser !== 'function' || typeof de !== 'function') {
    return `${override ?? 'src/codec/index.ts'} does not export serialize/deserialize yet`;
  }
  const serialize = ser as (value: unknown) => Uint8Array;
  const deserialize = de as (bytes: Uint8Array) => unknown;
  return {
    name: KEEPSAKE,
    setup: 'serialize/deserialize with default options (envelope + checksum, no compression)',
    lacks: [],
    make: () => ({ encode: (v) => serialize(v), decode: (b) => deserialize(b as Uint8Array) }),
  };
}

interface Cell {
  codec: string;
  status: 'ok' | 'lossy' | 'n/a';
  reason?: string;
  size?: number;
  encode?: Measurement;
  decode?: Measurement;
  roundTrip?: Measurement;
}

function sizeOf(e: Encoded): number {
  return typeof e === 'string' ? Buffer.byteLength(e, 'utf8') : e.byteLength;
}

/** Own copy of encoder output (msgpackr and cbor-x hand out views of a reused buffer). */
function ownCopy(e: Encoded): Encoded {
  if (typeof e === 'string') return e;
  return Buffer.isBuffer(e) ? Buffer.from(e) : new Uint8Array(e);
}

interface Checked {
  cell: Cell;
  instance: CodecInstance;
  encoded: Encoded;
}

/** Encode once, decode with a fresh instance, compare: n/a, lossy or ok (then timed). */
function checkCell(codec: Codec, payload: Payload): Cell | Checked {
  const missing = payload.needs.filter((f) => codec.lacks.includes(f));
  if (missing.length > 0) {
    return { codec: codec.name, status: 'n/a', reason: `no ${missing.join('/')}` };
  }
  const value = payload.value;
  let encoded: Encoded;
  let reason: string | undefined;
  try {
    encoded = ownCopy(codec.make().encode(value));
  } catch (err) {
    return { codec: codec.name, status: 'n/a', reason: `encode threw: ${short(err)}` };
  }
  try {
    reason = firstDifference(value, codec.make().decode(encoded));
  } catch (err) {
    return { codec: codec.name, status: 'n/a', reason: `decode threw: ${short(err)}` };
  }
  const cell: Cell = {
    codec: codec.name,
    status: reason === undefined ? 'ok' : 'lossy',
    size: sizeOf(encoded),
  };
  if (reason !== undefined) cell.reason = reason;
  return { cell, instance: codec.make(), encoded };
}

/** Check every codec on `payload`, then time the working ones against each other. */
function runPayload(codecs: Codec[], payload: Payload, mo: MeasureOptions): Cell[] {
  const value = payload.value;
  const checked = codecs.map((c) => checkCell(c, payload));
  const live = checked.filter((x): x is Checked => 'instance' in x);
  const fns = (pick: (x: Checked) => () => unknown) => live.map(pick);
  const enc = measureAll(
    fns((x) => () => x.instance.encode(value)),
    mo,
  );
  const dec = measureAll(
    fns((x) => () => x.instance.decode(x.encoded)),
    mo,
  );
  const rt = measureAll(
    fns((x) => () => x.instance.decode(x.instance.encode(value))),
    mo,
  );
  live.forEach((x, i) => {
    x.cell.encode = enc[i]!;
    x.cell.decode = dec[i]!;
    x.cell.roundTrip = rt[i]!;
  });
  return checked.map((x) => ('cell' in x ? x.cell : x));
}

function short(err: unknown): string {
  return String((err as Error)?.message ?? err)
    .split('\n')[0]!
    .slice(0, 80);
}

const gbps = (m: Measurement | undefined, bytes: number) =>
  m ? (m.opsPerSec * bytes) / 1e9 : Number.NaN;

function payloadTable(payload: Payload, cells: Cell[]): { header: string[]; rows: string[][] } {
  const header = ['codec', 'encode ops/s', 'decode ops/s', 'round trip ops/s', 'size'];
  if (payload.bulk) header.push('encode GB/s', 'decode GB/s');
  header.push('±', 'correct');
  const rows = cells.map((c) => {
    if (c.status === 'n/a') {
      const r = [c.codec, 'n/a', 'n/a', 'n/a', 'n/a'];
      if (payload.bulk) r.push('n/a', 'n/a');
      r.push('', `n/a: ${c.reason}`);
      return r;
    }
    const r = [
      c.codec,
      fmtOps(c.encode!.opsPerSec),
      fmtOps(c.decode!.opsPerSec),
      fmtOps(c.roundTrip!.opsPerSec),
      fmtBytes(c.size!),
    ];
    if (payload.bulk) {
      r.push(
        gbps(c.encode, payload.rawBytes).toFixed(2),
        gbps(c.decode, payload.rawBytes).toFixed(2),
      );
    }
    const spread = Math.max(c.encode!.spread, c.decode!.spread, c.roundTrip!.spread);
    r.push(`${Math.round(spread * 100)}%`, c.status === 'ok' ? 'yes' : `NO: ${c.reason}`);
    return r;
  });
  return { header, rows };
}

interface Target {
  name: string;
  goal: string;
  value: number;
  /** The same ratio by wall-clock time, for round-trip targets. */
  wall?: number;
  pass: boolean | undefined;
  note: string;
}

function targets(results: Map<string, Cell[]>, payloads: Payload[]): Target[] {
  const get = (p: string, codec: string) => results.get(p)?.find((c) => c.codec === codec);
  const out: Target[] = [];
  const ratio = (p: string, peer: string, min: number): Target => {
    const k = get(p, KEEPSAKE);
    const o = get(p, peer);
    const t = { name: `${p} round trip keepsake / ${peer}`, goal: `>= ${min}x` };
    if (!k) return { ...t, value: Number.NaN, pass: undefined, note: 'keepsake not benchmarked' };
    if (k.status !== 'ok') {
      return { ...t, value: Number.NaN, pass: false, note: `keepsake ${k.status}: ${k.reason}` };
    }
    if (!o || o.status === 'n/a') {
      return { ...t, value: Number.NaN, pass: true, note: `${peer} cannot encode ${p}` };
    }
    const value = k.roundTrip!.opsPerSec / o.roundTrip!.opsPerSec;
    const wall = k.roundTrip!.wallOpsPerSec / o.roundTrip!.wallOpsPerSec;
    const note = o.status === 'lossy' ? `${peer} is lossy here: ${o.reason}` : '';
    return { ...t, value, wall, pass: value >= min, note };
  };
  for (const p of ['P1', 'P2']) {
    out.push(ratio(p, 'msgpackr', 1), ratio(p, 'v8', 1));
    out.push(ratio(p, 'superjson', 5), ratio(p, 'devalue', 5));
  }
  const p3 = payloads.find((p) => p.id === 'P3')!;
  const k3 = get('P3', KEEPSAKE);
  for (const dir of ['encode', 'decode'] as const) {
    const v = k3?.status === 'ok' ? gbps(k3[dir], p3.rawBytes) : Number.NaN;
    out.push({
      name: `P3 ${dir} GB/s keepsake`,
      goal: '>= 5 GB/s',
      value: v,
      pass: k3 ? k3.status === 'ok' && v >= 5 : undefined,
      note: k3 && k3.status !== 'ok' ? `keepsake ${k3.status}` : '',
    });
  }
  const k1 = get('P1', KEEPSAKE);
  const m1 = get('P1', 'msgpackr');
  const sr = k1?.size !== undefined && m1?.size !== undefined ? k1.size / m1.size : Number.NaN;
  out.push({
    name: 'P1 size keepsake / msgpackr',
    goal: '<= 1.1x',
    value: sr,
    pass: k1 ? sr <= 1.1 : undefined,
    note: k1?.size !== undefined && m1?.size !== undefined ? `${k1.size} B vs ${m1.size} B` : '',
  });
  return out;
}

function targetRows(ts: Target[]): string[][] {
  return ts.map((t) => [
    t.name,
    t.goal,
    t.name.includes('GB/s')
      ? Number.isFinite(t.value)
        ? t.value.toFixed(2)
        : 'n/a'
      : fmtRatio(t.value),
    t.wall === undefined ? '' : fmtRatio(t.wall),
    t.pass === undefined ? 'SKIP' : t.pass ? 'PASS' : 'FAIL',
    t.note,
  ]);
}

/** Run the codec bench, print its tables, and return them as markdown for RESULTS.md. */
export async function run(options: RunOptions = {}): Promise<BenchReport> {
  const scale = options.scale ?? 1;
  const mo: MeasureOptions = {
    warmupMs: 150 * scale,
    roundMs: 50 * scale,
    rounds: scale < 1 ? 5 : 11,
    maxMs: 1500 * scale,
    // CPU time by default: this bench runs on shared 2-core machines (see harness.ts).
    clock: process.argv.includes('--wall') ? 'wall' : 'cpu',
  };
  const started = Date.now();
  const load0 = loadavg()[0]!.toFixed(2);
  const keepsake = await loadKeepsake();
  const codecs = typeof keepsake === 'string' ? peers() : [keepsake, ...peers()];
  const payloads = makePayloads();
  const results = new Map<string, Cell[]>();
  const md: string[] = [];

  console.log('\n## codec\n');
  if (typeof keepsake === 'string') console.log(`keepsake SKIPPED: ${keepsake}\n`);
  for (const p of payloads) {
    const cells: Cell[] = [];
    if (process.stderr.isTTY) process.stderr.write(`  ${p.id}...\r`);
    cells.push(
      ...runPayload(
        codecs.filter((c) => !c.only || c.only.includes(p.id)),
        p,
        mo,
      ),
    );
    results.set(p.id, cells);
    const { header, rows } = payloadTable(p, cells);
    const right = header.map((h) => h !== 'codec' && h !== 'correct');
    const title = `### ${p.id}: ${p.title}${p.rawBytes ? ` — ${fmtBytes(p.rawBytes)} raw` : ''}`;
    console.log(`${title}\n\n${textTable(header, rows, right)}\n`);
    md.push(`${title}\n\n${markdownTable(header, rows, right)}\n`);
  }

  const ts = targets(results, payloads);
  const th = ['target', 'goal', 'measured', 'wall-clock', 'result', 'note'];
  const tr = [false, false, true, true, false, false];
  console.log(`### Targets (issue 3)\n\n${textTable(th, targetRows(ts), tr)}\n`);
  md.push(`### Targets (issue 3)\n\n${markdownTable(th, targetRows(ts), tr)}\n`);

  const notes = [
    `Setup: ${codecs.map((c) => `**${c.name}** ${c.setup}`).join('; ')}.`,
    typeof keepsake === 'string' ? `**keepsake skipped**: ${keepsake}.` : '',
    `Each cell: median of ${mo.rounds} rounds of ~${mo.roundMs} ms after ${mo.warmupMs} ms warm-up ` +
      "(slow cells get fewer, min 3), the codecs' rounds interleaved with a forced GC before each; " +
      `clock: ${mo.clock === 'cpu' ? 'process CPU time (--wall for wall-clock)' : 'wall-clock'}; ` +
      `load average ${load0} at start, ${loadavg()[0]!.toFixed(2)} at end on ${cpus().length} cores; ` +
      'ops/s with k = 1e3, M = 1e6; GB/s = 1e9 raw payload bytes ' +
      '(P3: 8 B/element, P4: UTF-8 length) per second; ± = the largest relative median absolute ' +
      'deviation of the three timings. `correct` = the decode of a fresh codec instance deep-equals the input ' +
      '(prototypes, Map/Set order, holes, -0/NaN, shared-reference and cycle identity). ' +
      'n/a cells were not timed; lossy cells were timed but never count as a win.',
    `Bench time: ${((Date.now() - started) / 1000).toFixed(0)} s.`,
  ].filter(Boolean);
  console.log(notes.join('\n'));
  md.push(notes.join('\n\n'));

  const failed = ts.some((t) => t.pass === false);
  return { markdown: md.join('\n'), failed };
}

if (isMain(import.meta.url)) {
  await run({ scale: process.argv.includes('--quick') ? 0.3 : 1 });
}
