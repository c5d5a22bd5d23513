/**
 * `npm run bench`: run every bench module in sequence, print their tables, and refresh
 * `bench/RESULTS.md`.
 *
 * Discovery: every `bench/*.ts` that is not infrastructure (`run`, `harness`, `payloads`, names
 * starting with `_`) and exports a `run()` function (see `BenchModule` in `harness.ts`).
 * Order: `codec`, `key`, `memoize` first when present (the order the issues land in), then
 * the rest alphabetically.
 *
 * RESULTS.md layout — prose is kept by hand, generated parts live between markers:
 *
 * ```text
 *   # keepsake benchmarks            <- hand-written
 *   <!-- machine:start --> CPU, cores, node, date <!-- machine:end -->
 *   ...prose...
 *   <!-- codec:start -->  tables returned by bench/codec.ts run()  <!-- codec:end -->
 *   <!-- key:start -->    ...                                     <!-- key:end -->
 * ```
 *
 * A module without markers yet gets a `## <name>` section appended at the end. Only the
 * sections of the modules that ran are rewritten, so `npm run bench -- codec` refreshes one.
 *
 * Usage: `npm run bench [-- [--quick] [--no-write] [--strict] [module ...]]`
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchModule, BenchReport } from './harness.js';

const BENCH_DIR = fileURLToPath(new URL('.', import.meta.url));
const RESULTS = fileURLToPath(new URL('RESULTS.md', import.meta.url));
const INFRA = new Set(['run', 'harness', 'payloads']);
const FIRST = ['codec', 'key', 'memoize'];

async function discover(only: string[]): Promise<string[]> {
  const names = (await readdir(BENCH_DIR))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !f.startsWith('_'))
    .map((f) => f.slice(0, -3))
    .filter((n) => !INFRA.has(n) && (only.length === 0 || only.includes(n)));
  const rank = (n: string) => (FIRST.includes(n) ? FIRST.indexOf(n) : FIRST.length);
  return names.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

function machine(): string {
  const cpu = cpus()[0]?.model.trim() || 'unknown CPU';
  return [
    `- Machine: ${cpu}, ${cpus().length} cores (\`lscpu\`/\`os.cpus()\`), ${process.platform}/${process.arch}`,
    `- Node ${process.version} (V8 ${process.versions.v8}); load average at start ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
    `- Run: ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')} — \`npm run bench\``,
  ].join('\n');
}

const SKELETON = `# keepsake benchmarks

Generated sections sit between \`<!-- name:start -->\` / \`<!-- name:end -->\` markers and are
rewritten by \`npm run bench\`; everything else in this file is written by hand.

<!-- machine:start -->
<!-- machine:end -->
`;

/** Replace (or append) the block between `<!-- name:start -->` and `<!-- name:end -->`. */
function upsert(doc: string, name: string, body: string): string {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const block = `${start}\n${body.trim()}\n${end}`;
  const i = doc.indexOf(start);
  const j = doc.indexOf(end);
  if (i >= 0 && j > i) return doc.slice(0, i) + block + doc.slice(j + end.length);
  return `${doc.trimEnd()}\n\n## ${name}\n\n${block}\n`;
}

/**
 * Accept what modules return: a `BenchReport`, a markdown string, or raw rows plus an exported
 * `toMarkdown(rows)` (bench/key.ts does that; such modules do not print, so we print for them).
 */
function toReport(name: string, out: unknown, toMarkdown: unknown): BenchReport | undefined {
  if (typeof out === 'string') return { markdown: out };
  if (out && typeof (out as BenchReport).markdown === 'string') return out as BenchReport;
  if (out !== undefined && typeof toMarkdown === 'function') {
    const markdown = String(toMarkdown(out));
    console.log(`\n## ${name}\n\n${markdown}\n`);
    return { markdown };
  }
  return undefined;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const write = !args.includes('--no-write') && !quick;
  const strict = args.includes('--strict');
  const modules = await discover(args.filter((a) => !a.startsWith('--')));
  console.log(machine());

  const reports = new Map<string, BenchReport>();
  let failed = false;
  for (const name of modules) {
    const url = pathToFileURL(`${BENCH_DIR}${name}.ts`).href;
    try {
      const mod = (await import(url)) as Record<string, unknown>;
      if (typeof mod.run !== 'function') {
        console.log(`\n(bench/${name}.ts exports no run(); skipped)`);
        continue;
      }
      const out = await (mod.run as BenchModule['run'])({ scale: quick ? 0.3 : 1 });
      const report = toReport(name, out, mod.toMarkdown);
      if (report) reports.set(name, report);
      if (report?.failed) failed = true;
    } catch (err) {
      failed = true;
      console.error(`\nbench/${name}.ts failed:`, err);
    }
  }

  if (write && reports.size > 0) {
    let doc: string;
    try {
      doc = await readFile(RESULTS, 'utf8');
    } catch {
      doc = SKELETON;
    }
    doc = upsert(doc, 'machine', machine());
    for (const [name, r] of reports) doc = upsert(doc, name, r.markdown);
    await writeFile(RESULTS, doc);
    console.log(`\nwrote ${[...reports.keys()].join(', ')} to bench/RESULTS.md`);
  }
  if (strict && failed) process.exitCode = 1;
}

await main();
