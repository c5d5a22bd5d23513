// Child-process helper: overwrites one file again and again with large values until killed.
// usage: node --import tsx dump-loop.ts <path> <async|sync> <firstGen>
import { dumpFile, dumpFileSync } from '../../../src/codec/index.js';

const [path, mode, first] = process.argv.slice(2);
if (!path) throw new Error('usage: dump-loop.ts <path> <async|sync> <firstGen>');

function valueFor(gen: number): { gen: number; bytes: Uint8Array; text: string } {
  return {
    gen,
    bytes: new Uint8Array(4 * 1024 * 1024).fill(gen & 255),
    text: `gen-${gen}-`.repeat(10_000),
  };
}

process.stdout.write('ready\n');
let gen = Number(first ?? 1);
for (;;) {
  const v = valueFor(gen);
  if (mode === 'sync') dumpFileSync(path, v);
  else await dumpFile(path, v);
  gen++;
}
