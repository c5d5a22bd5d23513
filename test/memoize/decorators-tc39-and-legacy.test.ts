import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';

const entry = path.resolve('src/index.ts');
const dir = mkdtempSync(path.join(tmpdir(), 'keepsake-decorators-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// The same class, compiled by TypeScript itself once per decorator mode, then run in a child.
const source = `
import { memoize } from ${JSON.stringify(entry)};
class Prices {
  calls = 0;
  constructor(readonly currency: string) {}
  @memoize()
  quote(sku: string, qty: number) {
    this.calls++;
    return sku.length * qty + ':' + this.currency;
  }
}
const eur = new Prices('EUR');
const usd = new Prices('USD');
const out = [eur.quote('ab', 2), eur.quote('ab', 2), usd.quote('ab', 2), eur.calls, usd.calls,
  Prices.prototype.quote.name];
let rejected = 'no';
try {
  class Bad { @memoize() accessor x = 1; }
  void Bad;
} catch (err) { rejected = (err as { code?: string }).code ?? 'other'; }
out.push(rejected);
process.stdout.write(JSON.stringify(out));
`;

function runCompiled(experimentalDecorators: boolean): unknown[] {
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      experimentalDecorators,
      useDefineForClassFields: !experimentalDecorators,
    },
  });
  const file = path.join(dir, `prices-${experimentalDecorators ? 'legacy' : 'tc39'}.mjs`);
  writeFileSync(file, outputText);
  return JSON.parse(
    execFileSync(process.execPath, ['--import', 'tsx', file], { encoding: 'utf8' }),
  );
}

describe('@memoize() on methods', () => {
  it('works as a TC39 decorator: per-instance keys via this, method name kept', () => {
    const [a, b, c, eurCalls, usdCalls, name, rejected] = runCompiled(false);
    expect([a, b, c]).toEqual(['4:EUR', '4:EUR', '4:USD']);
    expect([eurCalls, usdCalls]).toEqual([1, 1]);
    expect(name).toBe('quote');
    expect(rejected).toBe('ERR_OPTIONS');
  });

  it('works as a legacy experimentalDecorators decorator', () => {
    const [a, b, c, eurCalls, usdCalls, name] = runCompiled(true);
    expect([a, b, c]).toEqual(['4:EUR', '4:EUR', '4:USD']);
    expect([eurCalls, usdCalls]).toEqual([1, 1]);
    expect(name).toBe('quote');
  });

  it('does not keep instances alive', () => {
    const script = `
      import { memoize } from ${JSON.stringify(entry)};
      const area = memoize(function (this: { w: number }, h: number) { return this.w * h; });
      let collected = false;
      const registry = new FinalizationRegistry(() => { collected = true; });
      (() => { const box = { w: 3, area }; box.area(2); registry.register(box, 'box'); })();
      for (let i = 0; i < 20 && !collected; i++) { globalThis.gc!(); await new Promise((r) => setTimeout(r, 10)); }
      process.stdout.write(String(collected));`;
    const file = path.join(dir, 'gc.mts');
    writeFileSync(file, script);
    const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', file], {
      encoding: 'utf8',
    });
    expect(out).toBe('true');
  });
});
