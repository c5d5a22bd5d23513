/**
 * Child process for the gate test: holds the index gate of folder argv[1] for argv[2] ms,
 * printing "holding" once it has it and "released <epoch ms>" just before letting go.
 */
import fs from 'node:fs';
import path from 'node:path';
import { INDEX_FILE } from '../../../../src/stores/disk/index-format.js';
import { IndexGate } from '../../../../src/stores/disk/index-gate.js';

const [dir, ms] = process.argv.slice(2);
const gate = new IndexGate(path.join(dir!, INDEX_FILE));
gate.hold(() => {
  fs.writeSync(1, 'holding\n');
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(ms));
  fs.writeSync(1, `released ${Date.now()}\n`);
});
gate.close();
