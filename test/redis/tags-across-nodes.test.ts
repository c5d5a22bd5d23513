import { afterEach, describe, expect, it } from 'vitest';
import { makeNode, type TestNode } from './helpers/nodes.js';
import { waitFor } from './helpers/redis-server.js';
import { dropPrefix, uniquePrefix } from './helpers/shared.js';

const nodes: TestNode[] = [];
const prefixes: string[] = [];
function twoNodes(): [TestNode, TestNode] {
  const prefix = uniquePrefix('tags');
  prefixes.push(prefix);
  const a = makeNode(prefix);
  const b = makeNode(prefix);
  nodes.push(a, b);
  return [a, b];
}

afterEach(async () => {
  await Promise.all(nodes.splice(0).map((n) => n.cache.close()));
  await Promise.all(prefixes.splice(0).map(dropPrefix));
});

describe('tags and deletes across nodes (pub/sub)', () => {
  it('a value computed on A is a hit on B, promoted into B memory', async () => {
    const [a, b] = twoNodes();
    let computed = 0;
    expect(await a.cache.wrap('report', () => ({ n: ++computed }), { tags: ['reports'] })).toEqual({
      n: 1,
    });
    expect(await b.cache.wrap('report', () => ({ n: ++computed }))).toEqual({ n: 1 });
    expect(computed).toBe(1);
    expect(b.cache.peek('report')).toEqual({ n: 1 }); // now in B's memory tier
    expect(b.cache.stats().tiers[1]!.hits).toBe(1);
  });

  it('invalidateTags on A drops the entry from Redis and from B memory', async () => {
    const [a, b] = twoNodes();
    await a.cache.set('u1', 'alice', { tags: ['user:1'] });
    await a.cache.set('u2', 'bob', { tags: ['user:2'] });
    expect(await b.cache.get('u1')).toBe('alice');
    expect(await b.cache.get('u2')).toBe('bob');
    expect(b.cache.peek('u1')).toBe('alice');
    // B's subscriber connects when its cache is created; wait until it listens.
    await waitFor(() => b.redis.usage().listening);

    expect(await a.cache.invalidateTags(['user:1'])).toBe(1);
    await waitFor(() => b.cache.peek('u1') === undefined, 5_000);
    expect(await b.cache.get('u1')).toBeUndefined();
    expect(b.cache.peek('u2')).toBe('bob');
  });

  it('delete on A drops the key from B memory', async () => {
    const [a, b] = twoNodes();
    await a.cache.set('k', 42);
    expect(await b.cache.get('k')).toBe(42);
    await waitFor(() => b.redis.usage().listening);
    expect(await a.cache.delete('k')).toBe(true);
    await waitFor(() => b.cache.peek('k') === undefined, 5_000);
    expect(await b.cache.get('k')).toBeUndefined();
  });

  it('a set on A that replaces an entry drops the old copy from B memory; a new key sends nothing', async () => {
    const [a, b] = twoNodes();
    const seen: unknown[] = [];
    const stop = b.redis.watch((event) => seen.push(event));
    await waitFor(() => b.redis.usage().listening);
    await a.cache.set('fresh', 1);
    await a.cache.set('k', 'old', { tags: ['t'] });
    expect(await b.cache.get('k')).toBe('old');
    expect(b.cache.peek('k')).toBe('old');
    await a.cache.set('k', 'new');
    await waitFor(() => b.cache.peek('k') === undefined, 5_000);
    expect(await b.cache.get('k')).toBe('new');
    expect(seen).toEqual([{ type: 'delete', key: 'app:k' }]);
    stop();
  });

  it('a node ignores its own notices (its cache already applied them)', async () => {
    const [a] = twoNodes();
    const seen: unknown[] = [];
    const stop = a.redis.watch((event) => seen.push(event));
    await waitFor(() => a.redis.usage().listening);
    await a.redis.invalidateTags(['app:x']);
    await a.redis.delete('app:y');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(seen).toEqual([]);
    stop();
  });
});
