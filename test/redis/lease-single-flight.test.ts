import { afterEach, describe, expect, it } from 'vitest';
import { makeNode, type TestNode } from './helpers/nodes.js';
import { dropPrefix, uniquePrefix } from './helpers/shared.js';

const nodes: TestNode[] = [];
const prefixes: string[] = [];
function cluster(n: number): TestNode[] {
  const prefix = uniquePrefix('lease');
  prefixes.push(prefix);
  const made = Array.from({ length: n }, () => makeNode(prefix, { lock: true }));
  nodes.push(...made);
  return made;
}

afterEach(async () => {
  await Promise.all(nodes.splice(0).map((n) => n.cache.close()));
  await Promise.all(prefixes.splice(0).map(dropPrefix));
});

describe('cross-node single flight with lock: true (Redis leases)', () => {
  it('N nodes missing the same key compute it once', async () => {
    const n = 6;
    const all = cluster(n);
    let computations = 0;
    const compute = async () => {
      computations++;
      await new Promise((resolve) => setTimeout(resolve, 200));
      return { answer: 42 };
    };
    const results = await Promise.all(all.map((node) => node.cache.wrap('expensive', compute)));
    expect(computations).toBe(1);
    for (const result of results) expect(result).toEqual({ answer: 42 });
    // The lease is given back once the value is in Redis.
    expect(await all[0]!.redis.acquire('app:expensive', 1_000)).toBeTypeOf('string');
  });

  it('different keys do not wait for each other', async () => {
    const [a, b] = cluster(2);
    const slow = new Promise<string>((resolve) => setTimeout(() => resolve('slow'), 400));
    const started = Date.now();
    const first = a!.cache.wrap('one', () => slow);
    expect(await b!.cache.wrap('two', () => 'fast')).toBe('fast');
    expect(Date.now() - started).toBeLessThan(350);
    expect(await first).toBe('slow');
  });

  it('a crashed holder blocks the others only until its lease expires', async () => {
    const [a] = cluster(1);
    // A holder that took the lease and died: nobody releases it.
    expect(await a!.redis.acquire('app:orphan', 300)).toBeTypeOf('string');
    const started = Date.now();
    expect(await a!.cache.wrap('orphan', () => 'computed')).toBe('computed');
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(250);
    expect(waited).toBeLessThan(5_000);
  });

  it('release with a wrong token leaves the lease to its holder', async () => {
    const [a] = cluster(1);
    const token = await a!.redis.acquire('app:held', 10_000);
    await a!.redis.release('app:held', 'forged');
    expect(await a!.redis.acquire('app:held', 10_000)).toBeUndefined();
    await a!.redis.release('app:held', token!);
    expect(await a!.redis.acquire('app:held', 10_000)).toBeTypeOf('string');
  });
});
