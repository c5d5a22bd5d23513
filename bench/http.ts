/**
 * bench/http: the Fastify plugin against its limit and its floor, side by side in one run.
 *
 * ```text
 *   parent (this file, run())                 children (KEEPSAKE_BENCH_HTTP_SERVER=name)
 *   autocannon on 127.0.0.1 ── HTTP ──────>   one Fastify app per process and port:
 *                                               constant  GET /c  a constant JSON body
 *                                               burn      GET /b  ~5 ms of CPU, uncached
 *                                               keepsake  GET /b  the same, keepsake (memory),
 *                                                                 looked up in preHandler
 *                                               public    GET /b  the same, `public: true`,
 *                                                                 looked up in onRequest
 *                                               map       GET /b  a hand-written Map in hooks
 *                                               map3      GET /b  the same, also sending the
 *                                                                 etag, age and x-cache a
 *                                                                 keepsake hit must send
 *                                             + GET /cold/:n (keepsake, counts handler calls)
 *                                               flood     GET /flood (keepsake, maxBytes 8 MiB;
 *                                                         driven by bench/http-memory.ts)
 * ```
 *
 * Each server runs in its own process and the load generator in this one, so the
 * generator does not steal the server's event loop. Each scenario gets a warm-up, then the
 * scenarios are measured in rounds with their order rotated. Targets compare scenarios within
 * a round and report the median ratio over rounds. About 90 s in all; the 60 s memory run is
 * its own module, `bench/http-memory.ts`.
 *
 * Run alone: `node --import tsx bench/http.ts [--quick]`; via `npm run bench -- http`.
 */
import { type ChildProcess, execFileSync, fork } from 'node:child_process';
import { createHash } from 'node:crypto';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import Fastify, { type FastifyInstance } from 'fastify';
import keepsakeFastify from '../plugins/fastify/index.js';
import { memoryStore } from '../src/index.js';
import { type BenchReport, isMain, median, type RunOptions } from './harness.js';

const SERVER_FLAG = 'KEEPSAKE_BENCH_HTTP_SERVER';
/** The flood server's memory tier bound, bytes. */
export const FLOOD_BYTES = 8 * 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// Server side (child process)
// ---------------------------------------------------------------------------------------------

function burn(ms: number): string {
  const end = performance.now() + ms;
  let digest = 'x';
  while (performance.now() < end) digest = createHash('sha1').update(digest).digest('hex');
  return digest;
}

const PAYLOAD = { id: 1, name: 'report', values: [1, 2, 3, 4, 5], ok: true };

/**
 * The floor: the smallest hand-written cache a plugin must beat (no safety rules at all). With
 * `contractHeaders`, a hit also sends the three headers the issue asks of a keepsake hit
 * (`etag`, made once at store time, `age` and `x-cache`): the like-for-like floor.
 */
function mapCache(app: FastifyInstance, contractHeaders: boolean): void {
  const entries = new Map<string, { body: string; type: string; etag: string; at: number }>();
  app.addHook('onRequest', (request, reply, done) => {
    const hit = entries.get(request.url);
    if (hit === undefined) return done();
    reply.header('content-type', hit.type);
    if (contractHeaders) {
      reply.header('etag', hit.etag);
      reply.header('age', String(Math.floor((Date.now() - hit.at) / 1000)));
      reply.header('x-cache', 'HIT');
    }
    reply.send(hit.body);
  });
  app.addHook('onSend', (request, reply, payload, done) => {
    if (reply.statusCode === 200 && typeof payload === 'string' && !entries.has(request.url)) {
      const etag = `"${createHash('sha1').update(payload).digest('base64url')}"`;
      const type = String(reply.getHeader('content-type'));
      entries.set(request.url, { body: payload, type, etag, at: Date.now() });
    }
    done(null, payload);
  });
}

async function serve(name: string): Promise<void> {
  const app = Fastify();
  const burned = async () => ({ ...PAYLOAD, digest: burn(5) });
  let coldCalls = 0;
  const floodStore = memoryStore({ maxBytes: FLOOD_BYTES });
  if (name === 'constant') app.get('/c', async () => PAYLOAD);
  if (name === 'burn') app.get('/b', burned);
  if (name === 'keepsake') {
    await app.register(keepsakeFastify, { ttl: 600_000 });
    app.get('/b', { config: { cache: true } }, burned);
    app.get('/cold/:n', { config: { cache: true } }, async () => {
      coldCalls++;
      burn(50);
      return PAYLOAD;
    });
  }
  if (name === 'public') {
    await app.register(keepsakeFastify, { ttl: 600_000 });
    app.get('/b', { config: { cache: { public: true } } }, burned);
  }
  if (name === 'map' || name === 'map3') {
    mapCache(app, name === 'map3');
    app.get('/b', burned);
  }
  if (name === 'flood') {
    await app.register(keepsakeFastify, { ttl: 600_000, tiers: [floodStore] });
    app.get('/flood', { config: { cache: true } }, async (req) => ({
      q: req.query,
      pad: 'p'.repeat(1500),
    }));
  }
  await app.listen({ port: 0, host: '127.0.0.1', backlog: 4096 });
  const port = (app.server.address() as { port: number }).port;

  process.on('message', (message: { type: string; n?: number }) => {
    if (message.type === 'cold') process.send!({ type: 'cold', calls: coldCalls });
    if (message.type === 'memory') {
      // Twice: the first collection's ArrayBuffer sweep runs in the background, and the
      // second waits for it, so `external` counts only live bodies.
      globalThis.gc?.();
      globalThis.gc?.();
      const m = process.memoryUsage();
      process.send!({
        type: 'memory',
        heap: m.heapUsed,
        external: m.external,
        rss: m.rss,
        store: floodStore.usage().bytes ?? 0,
      });
    }
    if (message.type === 'stop') app.close().then(() => process.exit(0));
  });
  process.send!({ type: 'ready', port });
}

// ---------------------------------------------------------------------------------------------
// Load side (parent)
// ---------------------------------------------------------------------------------------------

interface Load {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

/**
 * Runs `url` for `seconds` with autocannon. req/s is every response over the run's duration
 * (autocannon's `requests.average` is a mean of one-second samples, two of them in a 2 s run).
 * Latency percentiles (nearest rank) come from autocannon's own per-response times in
 * fractional ms, 2xx only like the rps: its summary rounds them to whole milliseconds, too
 * coarse for a 1.2x bound on a route answering in ~1 ms.
 */
async function load(url: string, seconds: number, connections = 50): Promise<Load> {
  const times: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      { url, connections, duration: seconds, pipelining: 1 },
      (error, done) => (error ? reject(error) : resolve(done)),
    );
    instance.on('response', (_client, status, _bytes, ms) => {
      if (status >= 200 && status < 300) times.push(ms);
    });
  });
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.max(0, Math.ceil(q * times.length) - 1)] ?? 0;
  return {
    rps: result.requests.total / result.duration,
    p50: at(0.5),
    p99: at(0.99),
    errors: result.errors + result.non2xx + result.timeouts,
  };
}

/**
 * Pins `pid` and all its threads to `cpus` (a taskset list such as `3` or `0-3`), when the
 * machine has `taskset`.
 */
function pin(pid: number, cpus: string): boolean {
  try {
    execFileSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The CPU ids this process may run on (`taskset -cp`), or [] without taskset. */
function allowedCpus(): { list: string; ids: number[] } {
  try {
    const out = execFileSync('taskset', ['-c', '-p', String(process.pid)], { encoding: 'utf8' });
    const list = out.slice(out.lastIndexOf(':') + 1).trim();
    const ids = list.split(',').flatMap((part) => {
      const [from, to = from] = part.split('-').map(Number);
      return Array.from({ length: to! - from! + 1 }, (_, i) => from! + i);
    });
    return { list, ids: ids.filter((id) => Number.isInteger(id)) };
  } catch {
    return { list: '', ids: [] };
  }
}

/**
 * Sends `type` to a server process and resolves its answer of the same type.
 *
 * @example
 * ```ts
 * const { calls } = await ask<{ calls: number }>(child, 'cold');
 * ```
 */
export function ask<T>(child: ChildProcess, type: string): Promise<T> {
  return new Promise((resolve) => {
    const on = (m: { type: string } & T) => {
      if (m.type !== type) return;
      child.off('message', on);
      resolve(m);
    };
    child.on('message', on);
    child.send({ type });
  });
}

/**
 * Starts the server `name` (see the drawing above) in its own process.
 *
 * @example
 * ```ts
 * const { child, port } = await startServer('flood');
 * child.send({ type: 'stop' });
 * ```
 */
export async function startServer(name: string): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(fileURLToPath(import.meta.url), [], {
    env: { ...process.env, [SERVER_FLAG]: name },
    execArgv: ['--import', 'tsx', '--expose-gc'],
  });
  const { port } = await new Promise<{ port: number }>((resolve) => {
    child.once('message', (m) => resolve(m as { port: number }));
  });
  return { child, port };
}

/** 10,000 requests issued at once on a cold key (over at most 1,000 sockets). */
async function coldKey(port: number): Promise<{ requests: number; ok: number; ms: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1000 });
  const started = performance.now();
  const one = () =>
    new Promise<number>((resolve) => {
      const req = http.get({ host: '127.0.0.1', port, path: '/cold/1', agent }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', () => resolve(0));
    });
  const codes = await Promise.all(Array.from({ length: 10_000 }, one));
  agent.destroy();
  return {
    requests: codes.length,
    ok: codes.filter((c) => c === 200).length,
    ms: performance.now() - started,
  };
}

const LABELS: Record<string, string> = {
  constant: 'constant JSON (the limit)',
  burn: '5 ms CPU, uncached',
  keepsake: '5 ms CPU, keepsake (memory tier, lookup in preHandler)',
  public: '5 ms CPU, keepsake `public: true` (lookup in onRequest)',
  map: '5 ms CPU, hand-written Map in onRequest (floor)',
  map3: '5 ms CPU, the floor also sending etag, age and x-cache',
};

/** Runs every scenario and returns the markdown for RESULTS.md. */
export async function run(options: RunOptions = {}): Promise<BenchReport> {
  const scale = options.scale ?? 1;
  const seconds = Math.max(1, Math.round(2 * scale));
  const names = ['constant', 'burn', 'keepsake', 'public', 'map', 'map3'];
  // One process per server, so a backlog in one (the slow uncached route) cannot slow the next.
  const servers = new Map<string, { child: ChildProcess; port: number }>();
  // The servers on one of the CPUs this run may use, autocannon on another: they stop taking
  // each other's core, which on a 2-core machine is most of the round-to-round spread.
  const cpus = allowedCpus();
  let pinned = false;
  try {
    for (const name of names) servers.set(name, await startServer(name));
    pinned =
      cpus.ids.length > 1 &&
      [...servers.values()].every(({ child }) => pin(child.pid!, String(cpus.ids.at(-1)))) &&
      pin(process.pid, String(cpus.ids[0]));
    const url = (name: string) =>
      `http://127.0.0.1:${servers.get(name)!.port}/${name === 'constant' ? 'c' : 'b'}`;
    for (const name of names) await load(url(name), 1, 20); // warm-up (and fills the caches)
    const rounds: Record<string, Load[]> = Object.fromEntries(names.map((n) => [n, []]));
    const roundCount = scale < 1 ? 1 : 7;
    for (let r = 0; r < roundCount; r++) {
      const order = [...names.slice(r % names.length), ...names.slice(0, r % names.length)];
      for (const name of order) {
        rounds[name]!.push(await load(url(name), seconds));
        // The uncached server is still finishing what it accepted (~0.2 s of CPU): let it,
        // so the next scenario does not share a core with it.
        if (name === 'burn') await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
    const ms = (x: number) => x.toFixed(2);
    const result = Object.fromEntries(
      names.map((n) => {
        const rs = rounds[n]!;
        return [
          n,
          {
            rps: median(rs.map((x) => x.rps)),
            p50: median(rs.map((x) => x.p50)),
            p99: median(rs.map((x) => x.p99)),
            errors: rs.reduce((s, x) => s + x.errors, 0),
          },
        ];
      }),
    ) as Record<string, Load>;

    const keepsake = servers.get('keepsake')!;
    const cold = await coldKey(keepsake.port);
    const coldCalls = (await ask<{ calls: number }>(keepsake.child, 'cold')).calls;

    // Each target compares two scenarios within a round, then takes the median over rounds:
    // a round's scenarios run back to back, so a drift of the machine's speed between rounds
    // (±10% here) cancels out of the ratio.
    const paired = (field: 'rps' | 'p99', a: string, b: string) => {
      const ratios = rounds[a]!.map((x, r) => x[field] / rounds[b]![r]![field]);
      return { median: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios) };
    };
    const show = (x: { median: number; min: number; max: number }) =>
      roundCount > 1
        ? `${x.median.toFixed(2)}x (${x.min.toFixed(2)}-${x.max.toFixed(2)})`
        : `${x.median.toFixed(2)}x`;
    const kc = paired('rps', 'keepsake', 'constant');
    const pc = paired('rps', 'public', 'constant');
    const kc99 = paired('p99', 'keepsake', 'constant');
    const pc99 = paired('p99', 'public', 'constant');
    const km = paired('rps', 'keepsake', 'map');
    const pm = paired('rps', 'public', 'map');
    const km3 = paired('rps', 'keepsake', 'map3');
    const pm3 = paired('rps', 'public', 'map3');
    const targets = [
      [
        'cached rps >= 0.90x constant (preHandler; `public`)',
        `${show(kc)}; ${show(pc)}`,
        kc.median >= 0.9 && pc.median >= 0.9,
      ],
      [
        'cached p99 <= 1.2x constant (preHandler; `public`)',
        `${show(kc99)}; ${show(pc99)}`,
        kc99.median <= 1.2 && pc99.median <= 1.2,
      ],
      [
        'cached rps >= the Map floor (preHandler; `public`, like the floor in onRequest)',
        `${show(km)}; ${show(pm)}`,
        pm.median >= 1,
      ],
      [
        'cached rps >= the floor sending the same headers (preHandler; `public`; not an issue target)',
        `${show(km3)}; ${show(pm3)}`,
        pm3.median >= 1,
      ],
      [
        '10,000 requests on a cold key: one handler call',
        `${coldCalls} call(s), ${cold.ok}/${cold.requests} ok`,
        coldCalls === 1 && cold.ok === cold.requests,
      ],
    ] as const;
    const failed = targets.some((t) => !t[2] && !t[0].includes('not an issue target'));

    const lines = [
      `Issue 6, "Speed". autocannon (${seconds} s x ${roundCount} rounds per scenario, 50 connections, order rotated; the table shows each scenario's median round, and each target the median of its per-round ratios with their range) against servers in their own processes on 127.0.0.1${pinned ? ' (the servers pinned to one core and autocannon to another with `taskset`)' : ''}; latency percentiles over every response. The "burn" handler spends ~5 ms of CPU per call. keepsake looks a route up in \`preHandler\`, after the app's auth hooks, unless the route is \`public: true\` (then in \`onRequest\`). "map" is a hand-written \`Map\` cache in \`onRequest\`/\`onSend\` hooks with no HTTP rules at all, the floor any plugin must beat; it answers with one header where keepsake's hit also carries \`etag\`, \`age\` and \`x-cache\`, which "map3" adds to the same floor.`,
      '',
      '| scenario | req/s | p50 ms | p99 ms | errors |',
      '| --- | ---: | ---: | ---: | ---: |',
      ...names.map((n) => {
        const r = result[n]!;
        return `| ${LABELS[n]} | ${Math.round(r.rps).toLocaleString('en-US')} | ${ms(r.p50)} | ${ms(r.p99)} | ${r.errors} |`;
      }),
      '',
      '| target | measured | met |',
      '| --- | --- | --- |',
      ...targets.map(([t, m, ok]) => `| ${t} | ${m} | ${ok ? 'yes' : '**no**'} |`),
      '',
      `The cold-key run issues 10,000 requests at once over at most 1,000 sockets (the test suite covers 10,000 truly concurrent requests through \`app.inject\`), in ${Math.round(cold.ms)} ms. Memory over 60 s: see http-memory.`,
    ];
    const markdown = lines.join('\n');
    console.log(`\n## http\n\n${markdown}\n`);
    return { markdown, failed };
  } finally {
    if (pinned) pin(process.pid, cpus.list); // the next bench module gets every core back
    for (const { child } of servers.values()) child.send({ type: 'stop' });
  }
}

if (process.env[SERVER_FLAG]) {
  await serve(process.env[SERVER_FLAG]);
} else if (isMain(import.meta.url)) {
  await run({ scale: process.argv.includes('--quick') ? 0.3 : 1 });
}
