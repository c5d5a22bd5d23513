/**
 * The four codec payloads of issue 3, built deterministically (seeded PRNG) so every run and
 * every machine encodes the same values.
 *
 * | id | what                                                        | features it needs           |
 * |----|-------------------------------------------------------------|-----------------------------|
 * | P1 | 1,000 order records, 12 mixed fields each                   | Date                        |
 * | P2 | a rich settings/graph object                                | Map (incl. object keys), Set,|
 * |    |                                                             | Date, BigInt, shared refs, 1 cycle |
 * | P3 | Float64Array of 1,000,000                                   | typed array                 |
 * | P4 | a 1 MiB string (UTF-8), ~97% ASCII, some Latin-1, CJK, emoji | -                          |
 */

/** Capabilities a payload needs; a codec that lacks one is reported `n/a` on it. */
export type Feature = 'date' | 'map' | 'set' | 'bigint' | 'cycle' | 'typedarray';

export interface Payload {
  id: 'P1' | 'P2' | 'P3' | 'P4';
  title: string;
  value: unknown;
  needs: readonly Feature[];
  /** Bytes of raw data for GB/s figures (P3: 8 bytes per element; P4: UTF-8 length). */
  rawBytes: number;
  /** Report GB/s rather than only ops/s. */
  bulk: boolean;
}

/** mulberry32: tiny, seedable, good enough for test data. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STATUSES = ['pending', 'paid', 'shipped', 'delivered', 'refunded'] as const;
const CURRENCIES = ['EUR', 'USD', 'GBP', 'JPY'] as const;
const TAGS = ['gift', 'fragile', 'priority', 'b2b', 'promo', 'eco'] as const;
const EPOCH = Date.UTC(2024, 0, 1);

export interface Order {
  id: number;
  customerId: number;
  sku: string;
  status: string;
  currency: string;
  quantity: number;
  unitPrice: number;
  discount: number;
  paid: boolean;
  express: boolean;
  createdAt: Date;
  tags: string[];
}

/** P1: an API page of orders — the shape most cached values have. */
export function makeOrders(n = 1000, seed = 1): Order[] {
  const r = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const out: Order[] = [];
  for (let i = 0; i < n; i++) {
    const tagCount = Math.floor(r() * 3);
    const tags: string[] = [];
    for (let t = 0; t < tagCount; t++) tags.push(pick(TAGS));
    out.push({
      id: 100_000 + i,
      customerId: Math.floor(r() * 50_000),
      sku: `SKU-${Math.floor(r() * 90_000 + 10_000)}`,
      status: pick(STATUSES),
      currency: pick(CURRENCIES),
      quantity: 1 + Math.floor(r() * 12),
      unitPrice: Math.round(r() * 50_000) / 100,
      discount: Math.round(r() * 30) / 100,
      paid: r() < 0.8,
      express: r() < 0.2,
      createdAt: new Date(EPOCH + Math.floor(r() * 365 * 86_400_000)),
      tags,
    });
  }
  return out;
}

interface User {
  id: number;
  name: string;
  email: string;
  roles: Set<string>;
  lastLogin: Date;
  score: number;
}

/** P2: a rich object — the values JSON cannot hold. */
export function makeRich(seed = 2): Record<string, unknown> {
  const r = prng(seed);
  const users = new Map<string, User>();
  for (let i = 0; i < 40; i++) {
    const roles = new Set<string>(['reader']);
    if (r() < 0.3) roles.add('editor');
    if (r() < 0.05) roles.add('admin');
    users.set(`u${1000 + i}`, {
      id: 1000 + i,
      name: `User ${i}`,
      email: `user${i}@example.com`,
      roles,
      lastLogin: new Date(EPOCH + Math.floor(r() * 1e10)),
      score: r() * 100,
    });
  }
  const userList = [...users.values()];
  // A Map keyed by objects that also appear elsewhere: identity has to survive.
  const grants = new Map<User, string[]>();
  for (const u of userList.slice(0, 5)) grants.set(u, ['read', 'write']);

  const matrix: number[][] = [];
  for (let i = 0; i < 16; i++) {
    const row: number[] = [];
    for (let j = 0; j < 16; j++) row.push(Math.round(r() * 1e6) / 1e3);
    matrix.push(row);
  }
  interface Node {
    name: string;
    weight: number;
    children: Node[];
  }
  const tree = (depth: number, name: string): Node => ({
    name,
    weight: Math.floor(r() * 100),
    children: depth === 0 ? [] : [0, 1, 2].map((k) => tree(depth - 1, `${name}.${k}`)),
  });

  const root: Record<string, unknown> = {
    id: 'workspace-42',
    createdAt: new Date(EPOCH),
    updatedAt: new Date(EPOCH + 123_456_789),
    // BigInts inside 64 bits, so msgpackr and cbor-x can compete (keepsake also does > 64 bits).
    revision: 9_007_199_254_740_993n,
    quotaBytes: -(2n ** 40n) - 7n,
    users,
    grants,
    ownersById: new Map<number, User>(userList.slice(0, 3).map((u) => [u.id, u])),
    tags: new Set(['alpha', 'beta', 'prod', 'eu-west-1']),
    matrix,
    tree: tree(3, 'root'),
    history: Array.from({ length: 20 }, (_, i) => ({
      at: new Date(EPOCH + i * 3_600_000),
      by: userList[i % userList.length],
      change: i % 2 ? 'rename' : 'resize',
      // No -0 here: msgpackr and cbor-x turn it into 0 (a known gap, tested elsewhere).
      delta: [i, -i - 1, i * 0.5],
    })),
  };
  root.settings = { theme: 'dark', locale: 'de-DE', limits: [10, 100, 1000], workspace: root };
  return root;
}

/** P3: one million doubles. */
export function makeFloats(n = 1_000_000, seed = 3): Float64Array {
  const r = prng(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = (r() - 0.5) * 1e6;
  return out;
}

/** P4: ~1 MiB of UTF-8 text, mostly ASCII prose with some accents, CJK and emoji. */
export function makeText(targetBytes = 1 << 20, seed = 4): string {
  const r = prng(seed);
  const words = [
    'cache',
    'value',
    'memoize',
    'pipeline',
    'the',
    'of',
    'and',
    'result',
    'request',
    'fingerprint',
    'disk',
    'store',
    'tier',
    'expires',
    'stale',
    'revalidate',
  ];
  const rare = ['café', 'naïve', 'Straße', 'déjà', '東京', '缓存', 'ключ', '🚀', '✓'];
  const parts: string[] = [];
  let bytes = 0;
  while (bytes < targetBytes) {
    const w = r() < 0.03 ? rare[Math.floor(r() * rare.length)]! : words[Math.floor(r() * 16)]!;
    const sep = r() < 0.08 ? '.\n' : ' ';
    parts.push(w, sep);
    bytes += Buffer.byteLength(w) + sep.length;
  }
  const s = parts.join('');
  // Trim to the byte budget on a code point boundary.
  return Buffer.from(s)
    .subarray(0, targetBytes)
    .toString('utf8')
    .replace(/\uFFFD+$/, '');
}

/** Build all four payloads (takes ~100 ms). */
export function makePayloads(): Payload[] {
  const floats = makeFloats();
  const text = makeText();
  return [
    {
      id: 'P1',
      title: '1,000 order records (12 fields)',
      value: makeOrders(),
      needs: ['date'],
      rawBytes: 0,
      bulk: false,
    },
    {
      id: 'P2',
      title: 'rich object (Map, Set, Date, BigInt, shared refs, cycle)',
      value: makeRich(),
      needs: ['date', 'map', 'set', 'bigint', 'cycle'],
      rawBytes: 0,
      bulk: false,
    },
    {
      id: 'P3',
      title: 'Float64Array(1,000,000)',
      value: floats,
      needs: ['typedarray'],
      rawBytes: floats.byteLength,
      bulk: true,
    },
    {
      id: 'P4',
      title: '1 MiB string (mostly ASCII)',
      value: text,
      needs: [],
      rawBytes: Buffer.byteLength(text),
      bulk: true,
    },
  ];
}
