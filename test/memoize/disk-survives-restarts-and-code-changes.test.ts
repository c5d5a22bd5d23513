import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { functionIdentity, normalizeSource } from '../../src/memoize/identity.js';

const root = mkdtempSync(path.join(tmpdir(), 'keepsake-memo-disk-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const entry = path.resolve('src/index.ts');

/** Runs `body` (the source of a function of n) memoized on disk in a new process. */
function runInChild(
  dir: string,
  body: string,
  options = '{}',
): { value: number; computed: number } {
  const script = `import { memoize } from ${JSON.stringify(entry)};
    let computed = 0;
    const f = memoize(function square(n) { computed++; ${body} }, { disk: { dir: ${JSON.stringify(dir)} }, ...${options} });
    const value = f(12);
    process.stdout.write(JSON.stringify({ value, computed }));`;
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', script],
    {
      encoding: 'utf8',
    },
  );
  return JSON.parse(out) as { value: number; computed: number };
}

describe('memoize with disk: true', () => {
  it('a second process reads the result without computing', () => {
    const dir = path.join(root, 'restart');
    expect(runInChild(dir, 'return n * n;')).toEqual({ value: 144, computed: 1 });
    expect(runInChild(dir, 'return n * n;')).toEqual({ value: 144, computed: 0 });
  });

  it('a code change or a version bump invalidates; whitespace and comments do not', () => {
    const dir = path.join(root, 'code');
    expect(runInChild(dir, 'return n * n;').computed).toBe(1);
    expect(runInChild(dir, '  /* same */ return   n*n ; // still the same\n').computed).toBe(0);
    expect(runInChild(dir, 'return n * n + 0;')).toEqual({ value: 144, computed: 1 });
    expect(runInChild(dir, 'return n * n;', '{ version: 2 }').computed).toBe(1);
    expect(runInChild(dir, 'return n * n;', '{ version: 2 }').computed).toBe(0);
  });
});

describe('function identity', () => {
  it('ignores comments and whitespace but not strings, templates or regular expressions', () => {
    expect(normalizeSource('function f(a) { // add one\n  return a + 1; }')).toBe(
      'function f(a){return a+1;}',
    );
    // biome-ignore lint/suspicious/noTemplateCurlyInString: source text holding a template literal
    const source = 'x = "a  b" + `c  ${d}` + /e  \\/f/g';
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the same, normalised
    expect(normalizeSource(source)).toBe('x="a  b"+`c  ${d}`+/e  \\/f/g');
    expect(normalizeSource('return typeof a')).toBe('return typeof a');
  });

  it('changes with the code of dependsOn, the name and the version', () => {
    const f = (x: number) => helper(x);
    const helper = (x: number) => x + 1;
    const helper2 = (x: number) => x + 2;
    const base = functionIdentity(f, { dependsOn: [helper] });
    expect(functionIdentity(f, { dependsOn: [helper] })).toBe(base);
    expect(functionIdentity(f, { dependsOn: [helper2] })).not.toBe(base);
    expect(functionIdentity(f, { dependsOn: [helper], version: 2 })).not.toBe(base);
    expect(functionIdentity(f, { dependsOn: [helper], name: 'other' })).not.toBe(base);
  });
});
