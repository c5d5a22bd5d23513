// Child-process helper: streams a record file and reports the record count, the bytes seen and
// the peak RSS growth over the baseline taken just before reading.
// usage: node --import tsx read-records-rss.ts <path>
import { readRecords } from '../../../src/codec/index.js';

const [path] = process.argv.slice(2);
if (!path) throw new Error('usage: read-records-rss.ts <path>');
const base = process.memoryUsage().rss;
let peak = base;
let count = 0;
let bytes = 0;
for await (const r of readRecords<{ i: number; data: Uint8Array }>(path)) {
  if (r.i !== count) throw new Error(`record ${count} came back as ${r.i}`);
  bytes += r.data.byteLength;
  count++;
  if ((count & 7) === 0) peak = Math.max(peak, process.memoryUsage().rss);
}
peak = Math.max(peak, process.memoryUsage().rss);
process.stdout.write(`${JSON.stringify({ count, bytes, growth: peak - base })}\n`);
