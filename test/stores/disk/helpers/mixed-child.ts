/**
 * Child process for the concurrency test: `ops` random get/set/delete calls on shared keys,
 * checking every value it reads. Prints one JSON line: counts of ops, hits, errors and wrong
 * values (with the first few errors' text).
 * argv: dir, seed, ops
 */
import { diskStore } from '../../../../src/stores/disk-store.js';
import { selfVerifying, verify } from './tmp.js';

const [dir, seedText, opsText] = process.argv.slice(2);
const seed = Number(seedText);
const ops = Number(opsText);
const store = diskStore({ dir: dir!, maxBytes: 256 * 1024 * 1024 });
let state = seed * 2654435761;
const rand = (n: number) => {
  state = (state * 1103515245 + 12345) % 2147483648;
  return state % n;
};
const result = {
  ops: 0,
  hits: 0,
  sets: 0,
  deletes: 0,
  errors: 0,
  wrong: 0,
  messages: [] as string[],
};
for (let i = 0; i < ops; i++) {
  const key = `shared-${rand(40)}`;
  const op = rand(10);
  try {
    if (op < 5) {
      const got = store.get(key);
      if (got !== undefined) {
        result.hits++;
        const seen = verify(got.value as Uint8Array);
        if (seen === undefined || seen.key !== key) result.wrong++;
      }
    } else if (op < 9) {
      const size = rand(10) === 0 ? 70_000 + rand(200_000) : 16 + rand(3000);
      store.set(key, {
        value: selfVerifying(key, seed * 1_000_000 + i, size),
        createdAt: Date.now(),
      });
      result.sets++;
    } else {
      store.delete(key);
      result.deletes++;
    }
  } catch (error) {
    result.errors++;
    if (result.messages.length < 5) result.messages.push(String(error));
  }
  result.ops++;
}
store.close();
process.stdout.write(`${JSON.stringify(result)}\n`);
