/**
 * The codec: any value to bytes and back, to files, and many records in one file.
 * Run: node --import tsx examples/codec.ts
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  deserialize,
  dumpFile,
  loadFile,
  openRecordWriter,
  readRecords,
  registerClass,
  serialize,
} from '../src/index.js';

class Money {
  constructor(
    public amount: bigint,
    public currency: string,
  ) {}
  toString() {
    return `${this.amount} ${this.currency}`;
  }
}
// Version 2 stores amounts in cents; states written by version 1 are migrated on load.
registerClass(Money, {
  name: 'example.Money',
  version: 2,
  migrate: {
    1: (old: { amount: bigint; currency: string }) => ({ ...old, amount: old.amount * 100n }),
  },
});

const order = {
  id: 42,
  placedAt: new Date('2026-01-02T03:04:05Z'),
  total: new Money(1999n, 'EUR'),
  items: new Map([['sku-1', { qty: 2, tags: new Set(['gift']) }]]),
  samples: new Float64Array([0.5, -0, Number.NaN]),
};
(order as Record<string, unknown>).self = order; // cycles are fine

const bytes = serialize(order, { compress: 'gzip' });
const back = deserialize<typeof order & { self: unknown }>(bytes);
console.log(`serialized ${bytes.length} bytes`);
console.log('total is a Money again:', back.total instanceof Money, String(back.total));
console.log('cycle kept:', back.self === back, '| -0 kept:', Object.is(back.samples[1], -0));

const dir = await mkdtemp(path.join(tmpdir(), 'keepsake-example-'));
try {
  const file = path.join(dir, 'order.ks');
  await dumpFile(file, order); // atomic: temp file + rename
  const loaded = await loadFile<typeof order>(file);
  console.log('from file:', loaded.items.get('sku-1'));

  const log = path.join(dir, 'events.ksr');
  const writer = await openRecordWriter(log);
  for (let i = 0; i < 3; i++) await writer.write({ seq: i, at: new Date(0) });
  await writer.close();
  const seqs: number[] = [];
  for await (const event of readRecords<{ seq: number }>(log)) seqs.push(event.seq);
  console.log('records read back in order:', seqs.join(', '));
} finally {
  await rm(dir, { recursive: true, force: true });
}
