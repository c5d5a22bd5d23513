// Child-process helper: registers a class or a function that the parent test process does NOT
// have (or has at another version), serializes a value holding it, and writes the bytes.
// usage:
//   node --import tsx serialize-registered.ts class <outFile> <name> <version> <stateJSON>
//   node --import tsx serialize-registered.ts function <outFile> <name>
import { writeFileSync } from 'node:fs';
import { registerClass, registerFunction, serialize } from '../../../src/codec/index.js';

const [mode, outFile, name, version, stateJson] = process.argv.slice(2);
if (!outFile || !name) throw new Error('usage: mode outFile name [version stateJSON]');

if (mode === 'class') {
  class Remote {}
  registerClass(Remote, { name, version: Number(version ?? 1) });
  const item = Object.assign(new Remote(), JSON.parse(stateJson ?? '{}'));
  writeFileSync(outFile, serialize({ item, again: item, other: 'kept' }));
} else if (mode === 'function') {
  function remoteFn(): string {
    return 'remote';
  }
  registerFunction(remoteFn, name);
  writeFileSync(outFile, serialize({ fn: remoteFn, other: 'kept' }));
} else {
  throw new Error(`unknown mode ${mode}`);
}
process.stdout.write('ok\n');
