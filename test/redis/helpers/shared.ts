import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

/** The machine's shared Redis: only ever used under a prefix unique to one test. */
export const SHARED_URL = process.env.KEEPSAKE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A key prefix no other test (or run) uses. */
export function uniquePrefix(what: string): string {
  return `ks-test:${what}:${process.pid}:${randomBytes(4).toString('hex')}:`;
}

/** Removes every key under `prefix` from the shared Redis. */
export async function dropPrefix(prefix: string): Promise<void> {
  const client = new Redis(SHARED_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await client.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
}
