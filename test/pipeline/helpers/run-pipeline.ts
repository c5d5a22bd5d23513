// A pipeline run in its own process, for crash and concurrency tests.
// argv: <dir> <log file> <items> <work ms per item>
import { appendFileSync, writeFileSync } from 'node:fs';
import { pipeline } from '../../../src/index.js';

const [dir, log, itemCount, workMs] = process.argv.slice(2) as [string, string, string, string];
const n = Number(itemCount);
const busy = (ms: number) => {
  const end = Date.now() + ms;
  while (Date.now() < end) {}
};

const run = pipeline({ dir, name: 'crash' });
const items = await run.step('load', () => {
  appendFileSync(log, 'step:load\n');
  busy(Number(workMs) * 50);
  return Array.from({ length: n }, (_, i) => ({ id: `item-${i}`, x: i }));
});
const out: number[] = [];
for await (const y of run.each(
  'square',
  items,
  (item) => {
    busy(Number(workMs));
    appendFileSync(log, `item:${item.x}\n`);
    return item.x * item.x;
  },
  { key: (item) => item.id },
)) {
  out.push(y);
}
const total = await run.step(
  'total',
  () => {
    appendFileSync(log, 'step:total\n');
    return out.reduce((a, b) => a + b, 0);
  },
  { inputs: [out] },
);
writeFileSync(`${log}.result`, JSON.stringify({ out, total }));
