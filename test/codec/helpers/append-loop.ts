// Child-process helper: appends numbered records to a record file until killed.
// usage: node --import tsx append-loop.ts <path> <firstIndex> <flushEvery>
import { openRecordWriter } from '../../../src/codec/index.js';

const [path, first, every] = process.argv.slice(2);
if (!path) throw new Error('usage: append-loop.ts <path> <firstIndex> <flushEvery>');
const flushEvery = Number(every ?? 1);

function recordFor(i: number): { i: number; body: string; bytes: Uint8Array } {
  return {
    i,
    body: `record-${i};`.repeat(50 + (i % 200)),
    bytes: new Uint8Array(i % 5000).fill(i & 255),
  };
}

const writer = await openRecordWriter(path, { append: true });
process.stdout.write('ready\n');
for (let i = Number(first ?? 0); ; i++) {
  await writer.write(recordFor(i));
  if (i % flushEvery === 0) await writer.flush();
}
