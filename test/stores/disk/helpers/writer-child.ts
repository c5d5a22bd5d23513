/**
 * Child process for the SIGKILL test: writes (and sometimes deletes) self-verifying values
 * under a few shared keys, small and large, as fast as it can, until it is killed. Prints
 * "ready" once the store is open so the parent kills it mid-work, not mid-startup.
 * argv: dir, seed[, key prefix (default "key")]
 */
import { diskStore } from '../../../../src/stores/disk-store.js';
import { selfVerifying } from './tmp.js';

const [dir, seedText, prefix = 'key'] = process.argv.slice(2);
const store = diskStore({ dir: dir!, maxBytes: 64 * 1024 * 1024 });
let version = Number(seedText) * 1_000_000;
process.stdout.write('ready\n');
for (;;) {
  version++;
  const key = `${prefix}-${version % 12}`;
  if (version % 17 === 0) {
    store.delete(key);
    continue;
  }
  // Every third value goes to a blob file (inlineMax is 64 KiB), up to 1 MB.
  const size = version % 3 === 0 ? 70_000 + ((version * 7919) % 900_000) : 32 + (version % 2000);
  store.set(key, {
    value: selfVerifying(key, version, size),
    createdAt: Date.now(),
    tags: [`t${version % 3}`],
  });
}
