import fsp from 'node:fs/promises';
import path from 'node:path';
import { dumpFile, loadFile } from '../codec/index.js';
import { KeepsakeError } from '../errors.js';

/**
 * Where a pipeline keeps its checkpoints. One folder per step, named after the step:
 *
 * ```
 * <dir>/<pipeline>/
 *   load%20rows/                  a step ("load rows"), its name percent-encoded
 *     status.ks                   StepRecord: state, fingerprint, times, size (codec file)
 *     result-3f9c0a1b2c3d4e5f.ks  step(): the result for input fingerprint 3f9c…
 *     records-3f9c0a1b2c3d4e5f.ksr each(): one record per finished item, in input order
 *     lock                        held while a process runs the step (see step-lock.ts)
 *     lock.draft-<id>-<n>         a lock being written, linked to `lock` once whole
 *     lock.dead-<pid>             an abandoned lock being removed by the waiter taking over
 * ```
 *
 * Every file is written atomically (codec `dumpFile`: temp file and rename) or, for record
 * files, appended record by record with a checksum each, so a killed run leaves either a
 * whole checkpoint or none.
 */

/** What `status.ks` holds for one step. */
export interface StepRecord {
  state: 'done' | 'running' | 'failed';
  kind: 'step' | 'each';
  fingerprint: string;
  inputs: string;
  startedAt: number;
  finishedAt?: number;
  durationMs?: number;
  bytes?: number;
  items?: number;
  pid: number;
  host: string;
  /** The process's `PROCESS_ID` (step-lock.ts), told apart from others that had its pid. */
  id?: string;
  error?: string;
}

/** The files of one step. */
export class StepFiles {
  readonly dir: string;

  constructor(
    root: string,
    readonly name: string,
  ) {
    this.dir = path.join(root, encodeURIComponent(name).replace(/^\./, '%2E'));
  }

  result(fingerprint: string): string {
    return path.join(this.dir, `result-${fingerprint.slice(0, 16)}.ks`);
  }

  records(fingerprint: string): string {
    return path.join(this.dir, `records-${fingerprint.slice(0, 16)}.ksr`);
  }

  get statusFile(): string {
    return path.join(this.dir, 'status.ks');
  }

  get lockFile(): string {
    return path.join(this.dir, 'lock');
  }

  async readStatus(): Promise<StepRecord | undefined> {
    try {
      return await loadFile<StepRecord>(this.statusFile);
    } catch (err) {
      if (err instanceof KeepsakeError && err.code === 'ERR_IO') return undefined;
      // A damaged status file only costs the step its checkpoint: it reruns.
      if (err instanceof KeepsakeError) return undefined;
      throw err;
    }
  }

  async writeStatus(record: StepRecord): Promise<void> {
    await fsp.mkdir(this.dir, { recursive: true });
    await dumpFile(this.statusFile, record, { fsync: false });
  }

  /** Records a finished run: its time, duration and the size of its checkpoint `file`. */
  async markDone(started: StepRecord, file: string, items?: number): Promise<void> {
    const { size } = await fsp.stat(file);
    const finishedAt = Date.now();
    await this.writeStatus({
      ...started,
      state: 'done',
      finishedAt,
      durationMs: finishedAt - started.startedAt,
      bytes: size,
      ...(items === undefined ? {} : { items }),
    });
  }

  /** Removes checkpoints of other fingerprints (older inputs or versions). */
  async prune(keep: string): Promise<void> {
    let names: string[];
    try {
      names = await fsp.readdir(this.dir);
    } catch {
      return;
    }
    const mine = keep.slice(0, 16);
    await Promise.all(
      names
        .filter((n) => /^(result|records)-[0-9a-f]{16}\.ksr?$/.test(n) && !n.includes(mine))
        .map((n) => fsp.rm(path.join(this.dir, n), { force: true })),
    );
  }
}
