import type { Cluster, Redis } from 'ioredis';

/** Keys asked per SCAN step: big enough to be quick, small enough not to stall Redis. */
const SCAN_COUNT = 500;

/**
 * Escapes glob metacharacters so a prefix matches itself in `SCAN MATCH`.
 *
 * @example
 * ```ts
 * globEscape('a*b'); // 'a\\*b'
 * ```
 */
export function globEscape(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

/**
 * Deletes every key starting with `keyStart` (before the client's own `keyPrefix`), with SCAN
 * (never KEYS, which blocks the server) and UNLINK (freed in a background thread). On a Cluster
 * every master is scanned, and keys are unlinked one per command: a multi-key UNLINK fails with
 * CROSSSLOT once keys hash to different slots, even on one node.
 *
 * @example
 * ```ts
 * const removed = await scanDelete(client, 'keepsake:e:users:');
 * ```
 */
export async function scanDelete(client: Redis | Cluster, keyStart: string): Promise<number> {
  if (client.isCluster) {
    const nodes = (client as Cluster).nodes('master');
    const counts = await Promise.all(nodes.map((node) => scanNode(node, keyStart, true)));
    return counts.reduce((a, b) => a + b, 0);
  }
  return scanNode(client as Redis, keyStart, false);
}

async function scanNode(node: Redis, keyStart: string, oneByOne: boolean): Promise<number> {
  // SCAN sees and returns raw names; ioredis adds keyPrefix again to the keys we UNLINK.
  const keyPrefix = node.options.keyPrefix ?? '';
  const pattern = `${globEscape(keyPrefix + keyStart)}*`;
  let cursor = '0';
  let removed = 0;
  do {
    const [next, raw] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', SCAN_COUNT);
    cursor = next;
    if (raw.length === 0) continue;
    const keys = raw.map((key) => key.slice(keyPrefix.length));
    if (oneByOne) {
      const pipeline = node.pipeline();
      for (const key of keys) pipeline.unlink(key);
      const results = (await pipeline.exec()) ?? [];
      for (const [error, count] of results) {
        if (error) throw error;
        removed += Number(count);
      }
    } else {
      removed += await node.unlink(...keys);
    }
  } while (cursor !== '0');
  return removed;
}
