import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
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
 *     lock                        held while a process runs the step: { pid, host, at }
 *     lock.draft-<pid>-<n>        a lock being written, linked to `lock` once whole
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

/** Whether the process that wrote a lock or a running status is gone (same host only). */
export function holderIsGone(pid: number, host: string): boolean {
  if (host !== os.hostname()) return false;
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** How old an unreadable lock must be before it is taken over (see tryLock). */
const UNREADABLE_LOCK_MS = 5_000;
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS']);
let drafts = 0;

/**
 * Takes the step's lock file. A lock whose holder died is taken over; while a live process
 * holds it, resolves `false` so the caller waits for that process's checkpoint.
 */
export async function tryLock(files: StepFiles): Promise<boolean> {
  await fsp.mkdir(files.dir, { recursive: true });
  const me = JSON.stringify({ pid: process.pid, host: os.hostname(), at: Date.now() });
  // The lock is written whole under a private name, then linked into place: link() fails with
  // EEXIST like an O_EXCL create, but a process killed at any moment leaves either no lock or
  // a readable one. (An O_EXCL create followed by a write leaves an empty lock if killed in
  // between, and nobody could tell whose it was.)
  const draft = `${files.lockFile}.draft-${process.pid}-${drafts++}`;
  try {
    await fsp.writeFile(draft, me);
    await fsp.link(draft, files.lockFile).catch((err: NodeJS.ErrnoException) => {
      // File systems without hard links: an O_EXCL create, whose rare empty lock is taken
      // over below once it is old.
      if (!NO_HARD_LINKS.has(err.code ?? '')) throw err;
      return fsp.writeFile(files.lockFile, me, { flag: 'wx' });
    });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    await fsp.rm(draft, { force: true });
  }
  const holder = await readHolder(files.lockFile);
  if (holder === 'unreadable') {
    // Not written by this version (link() only publishes whole files) or damaged: once it is
    // old enough not to be a rename in flight, it is treated like a dead holder's.
    const age = await fsp.stat(files.lockFile).then(
      (s) => Date.now() - s.mtimeMs,
      () => 0,
    );
    if (age < UNREADABLE_LOCK_MS) return false;
  } else if (holder === undefined || !holderIsGone(holder.pid, holder.host)) {
    return false;
  }
  // A dead holder's lock is moved aside (only one waiter's rename can succeed), then the
  // waiters race for a fresh lock on the next poll. A waiter that read a dead holder just
  // before another took over can still move the new lock aside: the cost is a step
  // computed twice, never a damaged checkpoint, since every checkpoint write is atomic.
  await fsp.rename(files.lockFile, `${files.lockFile}.dead-${process.pid}`).then(
    () => fsp.rm(`${files.lockFile}.dead-${process.pid}`, { force: true }),
    () => {},
  );
  await removeDeadDrafts(files);
  return false;
}

/** The lock's holder; `undefined` if the lock is gone, `'unreadable'` if it is not JSON. */
async function readHolder(
  lockFile: string,
): Promise<{ pid: number; host: string } | 'unreadable' | undefined> {
  let text: string;
  try {
    text = await fsp.readFile(lockFile, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const holder = JSON.parse(text) as { pid?: unknown; host?: unknown } | null;
    if (typeof holder?.pid === 'number' && typeof holder.host === 'string') {
      return { pid: holder.pid, host: holder.host };
    }
  } catch {}
  return 'unreadable';
}

/** Drafts left by processes killed between writing and linking them. */
async function removeDeadDrafts(files: StepFiles): Promise<void> {
  const names = await fsp.readdir(files.dir).catch(() => [] as string[]);
  const host = os.hostname();
  const dead = names.filter((n) => {
    const pid = /^lock\.draft-(\d+)-\d+$/.exec(n)?.[1];
    return pid !== undefined && holderIsGone(Number(pid), host);
  });
  await Promise.all(dead.map((n) => fsp.rm(path.join(files.dir, n), { force: true })));
}

/** Releases the step's lock if this process holds it. */
export function unlock(files: StepFiles): void {
  try {
    const holder = JSON.parse(fs.readFileSync(files.lockFile, 'utf8')) as { pid: number };
    if (holder.pid === process.pid) fs.rmSync(files.lockFile, { force: true });
  } catch {}
}
