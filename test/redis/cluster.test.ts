import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCache } from '../../src/cache.js';
import { redisStore } from '../../src/redis.js';
import { memoryStore } from '../../src/stores/memory-store.js';
import { testStore } from '../../src/testing.js';
import { RedisServer, waitFor } from './helpers/redis-server.js';

// A three-master Redis Cluster of the test's own: every key hashes to its own slot, so any
// multi-key command or script would fail here with CROSSSLOT.
const servers: RedisServer[] = [];
let client: Cluster;

beforeAll(async () => {
  for (let i = 0; i < 3; i++) {
    servers.push(
      await RedisServer.start(['--cluster-enabled', 'yes', '--cluster-node-timeout', '2000']),
    );
  }
  await promisify(execFile)('redis-cli', [
    '--cluster',
    'create',
    ...servers.map((s) => `127.0.0.1:${s.port}`),
    '--cluster-replicas',
    '0',
    '--cluster-yes',
  ]);
  await waitFor(
    async () => {
      const { stdout } = await promisify(execFile)('redis-cli', [
        '-p',
        String(servers[0]!.port),
        'cluster',
        'info',
      ]);
      return stdout.includes('cluster_state:ok');
    },
    20_000,
    100,
  );
  client = new Cluster([{ host: '127.0.0.1', port: servers[0]!.port }]);
  await waitFor(() => client.status === 'ready', 20_000);
}, 60_000);

afterAll(async () => {
  client?.disconnect();
  await Promise.all(servers.map((s) => s.destroy()));
});

// The suite stores an 8 MB value: give it more than the 250 ms meant for ordinary entries.
testStore('redisStore({ client: Cluster })', () =>
  redisStore({ client, prefix: 'cl:', commandTimeout: 3_000 }),
);

describe('on a Cluster', () => {
  it('tags, broadcast and leases work across slots', async () => {
    const a = redisStore({ client, prefix: 'cl2:' });
    const b = redisStore({ client, prefix: 'cl2:' });
    const ca = createCache({ tiers: [memoryStore(), a], lock: true });
    const cb = createCache({ tiers: [memoryStore(), b], lock: true });
    try {
      for (let i = 0; i < 20; i++) await ca.set(`k${i}`, i, { tags: [`t${i % 3}`, 'all'] });
      expect(await cb.get('k4')).toBe(4);
      await waitFor(() => b.usage().listening);
      expect(await ca.invalidateTags(['t1'])).toBe(7);
      await waitFor(() => cb.peek('k4') === undefined, 5_000);
      expect(await cb.get('k5')).toBe(5);
      let computed = 0;
      const slow = async () => {
        computed++;
        await new Promise((resolve) => setTimeout(resolve, 100));
        return 'once';
      };
      expect(await Promise.all([ca.wrap('single', slow), cb.wrap('single', slow)])).toEqual([
        'once',
        'once',
      ]);
      expect(computed).toBe(1);
    } finally {
      await ca.clear();
      await Promise.all([ca.close(), cb.close()]);
    }
  });
});
