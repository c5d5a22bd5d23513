/**
 * Child process for the permission tests (run as an unprivileged user when the tests run as
 * root, since root ignores file modes): uses a store on a folder it may not write, and reports
 * what each operation did, plus what a cache over it returned. argv: dir
 */
import { createCache } from '../../../../src/cache.js';
import { diskStore } from '../../../../src/stores/disk-store.js';

const [dir] = process.argv.slice(2);
const outcome: Record<string, string> = {};
const store = diskStore({ dir: dir! });
const attempt = (name: string, fn: () => unknown) => {
  try {
    const result = fn();
    outcome[name] = result === undefined ? 'undefined' : typeof result;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    outcome[name] = `${(error as Error).name}:${String(code)}`;
  }
};
attempt('get', () => store.get('kept'));
attempt('set', () => store.set('new', { value: new Uint8Array(10), createdAt: Date.now() }));
attempt('setBig', () =>
  store.set('newBig', { value: new Uint8Array(200_000), createdAt: Date.now() }),
);
attempt('delete', () => store.delete('kept'));
attempt('clear', () => store.clear());
attempt('acquire', () => store.acquire('lease', 1000));
const cache = createCache({ tiers: [diskStore({ dir: dir! })] });
const value = await cache.wrap('computed', () => 'the right value');
outcome.wrap = String(value);
outcome.errors = String(cache.stats().errors);
process.stdout.write(`${JSON.stringify(outcome)}\n`);
process.exit(0);
