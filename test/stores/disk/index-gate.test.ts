import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { INDEX_FILE } from '../../../src/stores/disk/index-format.js';
import { gateFile } from '../../../src/stores/disk/index-gate.js';
import { diskStore } from '../../../src/stores/disk-store.js';
import { exited, startChild } from './helpers/spawn.js';
import { useTmp } from './helpers/tmp.js';

const tmp = useTmp();
const HOLD_MS = 1_000;

/** Starts a process holding the folder's gate; resolves once it holds it. */
async function holdGate(dir: string) {
  const child = await startChild('gate-child.ts', [dir, String(HOLD_MS)]);
  let out = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('holding\n')) resolve();
    });
    child.on('exit', () => reject(new Error(`gate child exited early: ${out}`)));
  });
  return {
    /** When the child let go of the gate (epoch ms), once it has exited. */
    async releasedAt(): Promise<number> {
      await exited(child);
      const match = /released (\d+)/.exec(out);
      if (match === null) throw new Error(`gate child did not release: ${out}`);
      return Number(match[1]);
    },
  };
}

// Why the gate exists (LMDB's open racing other processes' commits) is in index-gate.ts; the
// SIGKILL test is where that race showed. Here: who waits for the gate and who does not.
describe('diskStore index gate', () => {
  it('is created beside the index', () => {
    const dir = tmp();
    const store = diskStore({ dir });
    store.set('k', { value: new Uint8Array([1]), createdAt: 0 });
    store.close();
    expect(fs.existsSync(gateFile(path.join(dir, INDEX_FILE)))).toBe(true);
    expect(path.basename(gateFile(path.join(dir, INDEX_FILE)))).toBe('index-v1.gate');
  });

  it('an open and a write wait while another process holds the gate; a read does not', async () => {
    const dir = tmp();
    const writer = diskStore({ dir });
    writer.set('k', { value: new Uint8Array([1]), createdAt: 0 });

    const first = await holdGate(dir);
    expect(Array.from(writer.get('k')!.value as Uint8Array)).toEqual([1]);
    const readDone = Date.now();
    writer.set('k', { value: new Uint8Array([2]), createdAt: 0 });
    const writeDone = Date.now();
    const firstReleased = await first.releasedAt();
    expect(readDone).toBeLessThan(firstReleased);
    expect(writeDone).toBeGreaterThanOrEqual(firstReleased);

    const second = await holdGate(dir);
    const opener = diskStore({ dir });
    expect(Array.from(opener.get('k')!.value as Uint8Array)).toEqual([2]);
    const openDone = Date.now();
    expect(openDone).toBeGreaterThanOrEqual(await second.releasedAt());
    opener.close();
    writer.close();
  });
});
