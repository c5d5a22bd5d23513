/**
 * A Fastify server with one expensive route made cheap by keepsake/fastify.
 *
 *   node --import tsx examples/fastify-server.ts               # serve on PORT (default 3000)
 *   KEEPSAKE_SELF_TEST=1 node --import tsx examples/fastify-server.ts
 *       # listen on a free port, ask twice, print what happened, exit 0 (or 1 if it went wrong)
 *
 * Then: curl -i localhost:3000/report/2024 (x-cache: MISS, then HIT), add `?utm_source=x` (still
 * a HIT), send `-H 'Authorization: Bearer x'` (BYPASS), and `curl -X POST localhost:3000/report/2024`
 * to invalidate it.
 */
import { createHash } from 'node:crypto';
import Fastify from 'fastify';
import keepsakeFastify from '../plugins/fastify/index.js';
import { memoryStore } from '../src/index.js';

/** Stands in for real work: ~CPU-bound hashing for a while. */
function buildReport(year: number): { year: number; digest: string; rows: number } {
  let digest = String(year);
  for (let i = 0; i < 20_000; i++) digest = createHash('sha256').update(digest).digest('hex');
  return { year, digest, rows: 20_000 };
}

export async function buildServer() {
  const app = Fastify({ logger: process.env.KEEPSAKE_SELF_TEST ? false : { level: 'info' } });
  await app.register(keepsakeFastify, {
    ttl: 60_000,
    staleWhileRevalidate: 5 * 60_000,
    staleIfError: 60 * 60_000,
    tiers: [memoryStore({ maxBytes: 32 * 1024 * 1024 })],
  });
  app.get<{ Params: { year: string } }>(
    '/report/:year',
    { config: { cache: { tags: ['reports'] } } },
    async (request) => buildReport(Number(request.params.year)),
  );
  app.post('/report/:year', async () => ({ rebuilt: true })); // invalidates GET /report/:year
  app.get('/stats', async () => app.keepsake.stats().routes);
  return app;
}

async function selfTest(): Promise<void> {
  const app = await buildServer();
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  try {
    const t0 = performance.now();
    const miss = await fetch(`${base}/report/2024`);
    const t1 = performance.now();
    const hit = await fetch(`${base}/report/2024?utm_source=newsletter`);
    const t2 = performance.now();
    const same = JSON.stringify(await miss.json()) === JSON.stringify(await hit.json());
    console.log(`first:  ${miss.headers.get('x-cache')} in ${(t1 - t0).toFixed(1)} ms`);
    console.log(`second: ${hit.headers.get('x-cache')} in ${(t2 - t1).toFixed(1)} ms`);
    const ok =
      miss.headers.get('x-cache') === 'MISS' && hit.headers.get('x-cache') === 'HIT' && same;
    console.log(ok ? 'self-test ok' : 'self-test FAILED');
    process.exitCode = ok ? 0 : 1;
  } finally {
    await app.close();
  }
}

if (process.env.KEEPSAKE_SELF_TEST) {
  await selfTest();
} else if (import.meta.url === `file://${process.argv[1]}`) {
  const app = await buildServer();
  await app.listen({ port: Number(process.env.PORT ?? 3000), host: '127.0.0.1' });
}
