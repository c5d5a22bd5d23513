/**
 * Child process for the lease test: takes the lease on argv[2] in folder argv[1] for argv[3] ms,
 * prints "held <token>" (or "busy"), then waits to be killed.
 */
import { diskStore } from '../../../../src/stores/disk-store.js';

const [dir, key, ttl] = process.argv.slice(2);
const store = diskStore({ dir: dir! });
const token = store.acquire(key!, Number(ttl));
process.stdout.write(token === undefined ? 'busy\n' : `held ${token}\n`);
setInterval(() => {}, 1_000);
