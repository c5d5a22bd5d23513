/**
 * The Redis tier (issue 8): hit latency against its limit, and a kill-under-load scenario.
 *
 * - Hit latency: `redisStore().get` (one `HMGET` of value, metadata and tags, metadata decoded)
 *   against a raw ioredis `GET` of the very same bytes on the same connection — the floor for
 *   any Redis cache. Also a whole `cache.get` over a Redis-only cache (adds the codec's decode)
 *   against raw `GET` + `deserialize`. Sequential awaited calls (latency), then 64 in flight
 *   (throughput). The candidates take turns call by call; medians reported.
 * - Kill under load: 8 workers call `cache.wrap` on a memory+Redis cache (a small memory tier,
 *   so most reads reach Redis) against a redis-server of the bench's own; it is SIGKILLed,
 *   then restarted on the same port. Reported: calls and failures per phase, latency
 *   percentiles, and how long after the restart the tier served again.
 *
 * `node --import tsx bench/redis.ts [--quick]` prints the tables; `run()` returns the markdown
 * for bench/RESULTS.md (between `<!-- redis:start -->` and `<!-- redis:end -->`). Uses the
 * Redis at `$KEEPSAKE_BENCH_REDIS_URL` (default redis://127.0.0.1:6379) under a prefix of its
 * own, and `redis-server` from PATH for the kill scenario.
 */
import { randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { Redis } from 'ioredis';
import { createCache } from '../src/cache.js';
import { deserialize, serialize } from '../src/codec/index.js';
import { redisStore } from '../src/redis.js';
import { memoryStore } from '../src/stores/memory-store.js';
import { RedisServer, waitFor } from '../test/redis/helpers/redis-server.js';
import {
  type BenchReport,
  fmtBytes,
  fmtOps,
  fmtRatio,
  isMain,
  markdownTable,
  median,
  type RunOptions,
  textTable,
} from './harness.js';
import { makeOrders } from './payloads.js';

const URL = process.env.KEEPSAKE_BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

type Op = () => Promise<unknown>;

/**
 * Median µs per op of each candidate. The candidates take turns call by call (order rotating),
 * each call timed on its own: on a loaded machine both then see the same conditions, and the
 * median ignores the calls that a context switch stretched.
 */
async function latency(ops: Op[], n: number): Promise<number[]> {
  for (const op of ops) for (let i = 0; i < 200; i++) await op(); // warm-up
  const samples: number[][] = ops.map(() => []);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < ops.length; j++) {
      const c = (i + j) % ops.length;
      const start = process.hrtime.bigint();
      await ops[c]!();
      samples[c]!.push(Number(process.hrtime.bigint() - start) / 1e3);
    }
  }
  return samples.map(median);
}

/** Ops per second with `depth` calls in flight, per candidate, median of rounds. */
async function throughput(ops: Op[], total: number, depth: number, rounds: number) {
  const samples: number[][] = ops.map(() => []);
  for (let r = 0; r < rounds; r++) {
    for (let j = 0; j < ops.length; j++) {
      const c = (j + r) % ops.length;
      const op = ops[c]!;
      let left = total;
      const start = process.hrtime.bigint();
      await Promise.all(
        Array.from({ length: depth }, async () => {
          while (left-- > 0) await op();
        }),
      );
      samples[c]!.push(total / (Number(process.hrtime.bigint() - start) / 1e9));
    }
  }
  return samples.map(median);
}

function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

interface HitRow {
  size: string;
  raw: number;
  store: number;
  rawDecode: number;
  cache: number;
  rawOps: number;
  storeOps: number;
}

async function hitLatency(scale: number): Promise<HitRow[]> {
  const prefix = `keepsake-bench:${process.pid}:${randomBytes(3).toString('hex')}:`;
  const client = new Redis(URL);
  // Latency is measured here, not failure: a generous timeout, so that 64 queued calls on a
  // loaded machine do not trip the breaker.
  const store = redisStore({ client, prefix, commandTimeout: 5_000 });
  const cache = createCache({
    tiers: [redisStore({ client, prefix, commandTimeout: 5_000 })],
    readTimeout: 5_000,
  });
  const rows: HitRow[] = [];
  try {
    for (const orders of [4, 400]) {
      const value = makeOrders(orders);
      const bytes = serialize(value);
      const rawKey = `${prefix}raw:${orders}`;
      await client.set(rawKey, Buffer.from(bytes));
      await cache.set(`k${orders}`, value);
      const got = await store.get(`k${orders}`);
      if (
        got === undefined ||
        Buffer.compare(Buffer.from(got.value as Uint8Array), Buffer.from(bytes)) !== 0
      ) {
        throw new Error('bench/redis: the store did not return the bytes it was given');
      }
      const n = Math.max(500, Math.round(3_000 * scale));
      const rounds = scale < 1 ? 3 : 5;
      const [raw, viaStore, rawDecode, viaCache] = await latency(
        [
          () => client.getBuffer(rawKey),
          () => store.get(`k${orders}`),
          () => client.getBuffer(rawKey).then((b) => deserialize(b!)),
          () => cache.get(`k${orders}`),
        ],
        n,
      );
      const [rawOps, storeOps] = await throughput(
        [() => client.getBuffer(rawKey), () => store.get(`k${orders}`)],
        Math.max(1_000, Math.round(4_000 * scale)),
        64,
        rounds,
      );
      rows.push({
        size: fmtBytes(bytes.byteLength),
        raw: raw!,
        store: viaStore!,
        rawDecode: rawDecode!,
        cache: viaCache!,
        rawOps: rawOps!,
        storeOps: storeOps!,
      });
    }
  } finally {
    await store.clear();
    await cache.close();
    await store.close();
    client.disconnect();
  }
  return rows;
}

interface Phase {
  name: string;
  calls: number;
  failed: number;
  latencies: number[];
}

async function killUnderLoad(scale: number) {
  const server = await RedisServer.start();
  const redis = redisStore({ url: server.url, prefix: 'bench:' });
  const cache = createCache({ tiers: [memoryStore({ max: 50 }), redis], ttl: 60_000 });
  const phases: Phase[] = [];
  let phase: Phase = { name: 'up', calls: 0, failed: 0, latencies: [] };
  phases.push(phase);
  let running = true;
  const worker = async () => {
    while (running) {
      const key = `k${Math.floor(Math.random() * 500)}`;
      const started = performance.now();
      const mine = phase;
      try {
        if ((await cache.wrap(key, async () => `value of ${key}`)) !== `value of ${key}`) {
          mine.failed++;
        }
      } catch {
        mine.failed++;
      }
      mine.latencies.push(performance.now() - started);
      mine.calls++;
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  const roundTrip = async () => {
    try {
      await redis.set('probe', { value: serialize(1), createdAt: Date.now() });
      return (await redis.get('probe')) !== undefined;
    } catch {
      return false;
    }
  };
  const next = (name: string) => {
    phase = { name, calls: 0, failed: 0, latencies: [] };
    phases.push(phase);
  };
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms * scale));
  let recovery = Number.NaN;
  try {
    await waitFor(roundTrip);
    const workers = Array.from({ length: 8 }, () => worker());
    await sleep(1_000);
    next('killed (SIGKILL)');
    await server.stop();
    await sleep(1_500);
    next('restarting');
    await server.start();
    recovery = await waitFor(async () => redis.usage().state === 'closed' && (await roundTrip()));
    next('back');
    await sleep(1_000);
    running = false;
    await Promise.all(workers);
  } finally {
    running = false;
    await cache.close();
    await server.destroy();
  }
  return { phases, recovery, errors: cache.stats().errors, usage: redis.usage() };
}

/** Runs both parts; returns the markdown for bench/RESULTS.md. */
export async function run(options: RunOptions = {}): Promise<BenchReport> {
  const scale = options.scale ?? 1;
  const load = loadavg()[0]!.toFixed(1);
  const hits = await hitLatency(scale);
  const kill = await killUnderLoad(scale);

  const us = (x: number) => x.toFixed(1);
  const hitHeader = [
    'value',
    'raw GET µs',
    'store.get µs',
    'store / raw',
    'raw GET + decode µs',
    'cache.get µs',
    'cache / raw+decode',
    'raw GET ops/s (64 in flight)',
    'store.get ops/s (64 in flight)',
  ];
  const hitRows = hits.map((h) => [
    h.size,
    us(h.raw),
    us(h.store),
    fmtRatio(h.store / h.raw),
    us(h.rawDecode),
    us(h.cache),
    fmtRatio(h.cache / h.rawDecode),
    fmtOps(h.rawOps),
    fmtOps(h.storeOps),
  ]);
  const right = hitHeader.map((_, i) => i > 0);
  const killHeader = ['phase', 'calls', 'failed', 'p50 ms', 'p99 ms', 'max ms'];
  const killRows = kill.phases.map((p) => [
    p.name,
    String(p.calls),
    String(p.failed),
    percentile(p.latencies, 50).toFixed(2),
    percentile(p.latencies, 99).toFixed(2),
    percentile(p.latencies, 100).toFixed(1),
  ]);
  const failed = kill.phases.reduce((sum, p) => sum + p.failed, 0);
  const targets: Array<[string, string, string, boolean]> = [
    ...hits.map((h): [string, string, string, boolean] => [
      `store.get / raw GET, ${h.size}`,
      fmtRatio(h.store / h.raw),
      '<= 1.3x',
      h.store / h.raw <= 1.3,
    ]),
    ['failed calls while Redis was killed and restarted', String(failed), '0', failed === 0],
    ['tier serving again after restart', `${kill.recovery} ms`, '< 5 s', kill.recovery < 5_000],
  ];
  const targetHeader = ['target', 'measured', 'goal', 'met'];
  const targetRows = targets.map(([n, m, g, ok]) => [n, m, g, ok ? 'yes' : 'NO']);
  const summary =
    `Kill under load: ${kill.phases.reduce((s, p) => s + p.calls, 0)} calls, ${failed} failed; ` +
    `the cache counted ${kill.errors} tier errors; the store sent ${kill.usage.commands} ` +
    `commands, ${kill.usage.failures} failed, ${kill.usage.rejected} failed fast without one; ` +
    `the breaker opened ${kill.usage.breakerOpens} time(s).`;

  const md = [
    `Run ${new Date().toISOString().slice(0, 16)}Z, Node ${process.version}, Redis on loopback, ` +
      `${cpus().length} cores at load average ${load} (other work shares the machine: ratios ` +
      'are taken call by call, absolute µs move with the load).',
    `### Redis-tier hit latency (sequential awaited calls on one loopback connection, taking turns; median per call)\n\n${markdownTable(hitHeader, hitRows, right)}`,
    `### Kill redis-server under load (8 workers, memory tier of 50 over 500 keys)\n\n${markdownTable(killHeader, killRows, [false, true, true, true, true, true])}\n\n${summary}`,
    `### Targets\n\n${markdownTable(targetHeader, targetRows, [false, true, false, false])}`,
  ];
  console.log(
    [
      textTable(hitHeader, hitRows, right),
      textTable(killHeader, killRows, [false, true, true, true, true, true]),
      summary,
      textTable(targetHeader, targetRows),
    ].join('\n\n'),
  );
  return { markdown: md.join('\n\n'), failed: targets.some((t) => !t[3]) };
}

if (isMain(import.meta.url)) {
  const report = await run({ scale: process.argv.includes('--quick') ? 0.3 : 1 });
  if (report.failed) process.exitCode = 1;
}
