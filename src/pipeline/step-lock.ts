import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { StepFiles } from './step-files.js';

/**
 * The lock a process holds while it runs a step: `<step folder>/lock`, JSON of a
 * {@link Holder}. A waiter takes it over when its holder is known to be gone:
 *
 * - same host: the holder's pid is not running, or is now another process (its process id or
 *   its start time says so: a restarted container reuses pids);
 * - another host (a shared folder): nothing can be asked, so the holder refreshes the lock's
 *   mtime every {@link HEARTBEAT_MS} and a lock untouched for {@link STALE_MS} is abandoned.
 *   A holder whose event loop is blocked that long by a synchronous step can lose its lock
 *   this way: the step is then computed twice, which costs time but never damages a
 *   checkpoint (every checkpoint write is atomic).
 */

/** Who holds a lock or runs a step. `at`: when it took the lock; `id`: see {@link PROCESS_ID}. */
export interface Holder {
  pid: number;
  host: string;
  at?: number | undefined;
  id?: string | undefined;
}

/**
 * This process among all that ever had its pid on this host: a container restarted after a
 * crash often gets the very pid its crashed run had.
 */
export const PROCESS_ID = randomBytes(8).toString('hex');
/** How often a holder refreshes its lock's mtime. */
export const HEARTBEAT_MS = 5_000;
/** A lock from another host untouched this long is abandoned. */
export const STALE_MS = 30_000;
/** How old an unreadable lock must be before it is taken over. */
const UNREADABLE_MS = 5_000;
/** Tolerance when comparing a process's start time (whole seconds of boot time) with `at`. */
const START_SLACK_MS = 5_000;
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS']);

const heartbeats = new Map<string, NodeJS.Timeout>();
let drafts = 0;

/** This process as a holder, now. */
function currentHolder(): Holder {
  return { pid: process.pid, host: os.hostname(), at: Date.now(), id: PROCESS_ID };
}

/**
 * Whether the process that wrote a lock or a running status is known to be gone. `false` when
 * it cannot be told (another host).
 */
export function holderIsGone(holder: Holder): boolean {
  if (holder.host !== os.hostname()) return false;
  // Our own pid: us, or an earlier process that had it (an older version wrote no id).
  if (holder.pid === process.pid) return holder.id !== PROCESS_ID;
  try {
    process.kill(holder.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return true;
  }
  // Something runs under that pid: the holder only if it started before taking the lock.
  const started = processStart(holder.pid);
  return started !== undefined && holder.at !== undefined && started > holder.at + START_SLACK_MS;
}

let bootTime: number | undefined;

/** When a process started (ms since the epoch, ±1 s), from Linux's /proc; else undefined. */
function processStart(pid: number): number | undefined {
  try {
    bootTime ??= Number(/^btime (\d+)$/m.exec(fs.readFileSync('/proc/stat', 'utf8'))?.[1]);
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22, counted from after the command name (which may hold spaces and parentheses).
    const ticks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
    // USER_HZ is 100 on every Linux ABI Node runs on.
    const started = (bootTime + ticks / 100) * 1000;
    return Number.isFinite(started) ? started : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Takes the step's lock. A lock whose holder is gone is taken over; while a live process holds
 * it, resolves `false` so the caller waits for that process's checkpoint.
 */
export async function tryLock(files: StepFiles): Promise<boolean> {
  await fsp.mkdir(files.dir, { recursive: true });
  const me = JSON.stringify(currentHolder());
  // Written whole under a private name, then linked into place: link() fails with EEXIST like
  // an O_EXCL create, but a process killed at any moment leaves either no lock or a readable
  // one. (An O_EXCL create followed by a write leaves an empty lock if killed in between.)
  const draft = `${files.lockFile}.draft-${process.pid}-${drafts++}`;
  try {
    await fsp.writeFile(draft, me);
    await fsp.link(draft, files.lockFile).catch((err: NodeJS.ErrnoException) => {
      // File systems without hard links: an O_EXCL create, whose rare empty lock is taken
      // over below once it is old.
      if (!NO_HARD_LINKS.has(err.code ?? '')) throw err;
      return fsp.writeFile(files.lockFile, me, { flag: 'wx' });
    });
    startHeartbeat(files.lockFile);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    await fsp.rm(draft, { force: true });
  }
  if (!(await abandoned(files.lockFile))) return false;
  // Moved aside (only one waiter's rename can succeed), then the waiters race for a fresh lock
  // on the next poll. A waiter that judged the lock just before another took it over can
  // still move the new lock aside: the cost is a step computed twice, never a damaged
  // checkpoint, since every checkpoint write is atomic.
  await fsp.rename(files.lockFile, `${files.lockFile}.dead-${process.pid}`).then(
    () => fsp.rm(`${files.lockFile}.dead-${process.pid}`, { force: true }),
    () => {},
  );
  await removeDeadDrafts(files);
  return false;
}

/** Releases the step's lock if this process holds it. */
export function unlock(files: StepFiles): void {
  clearInterval(heartbeats.get(files.lockFile));
  heartbeats.delete(files.lockFile);
  try {
    const holder = JSON.parse(fs.readFileSync(files.lockFile, 'utf8')) as Holder;
    if (holder.pid === process.pid && holder.id === PROCESS_ID) {
      fs.rmSync(files.lockFile, { force: true });
    }
  } catch {}
}

function startHeartbeat(lockFile: string): void {
  clearInterval(heartbeats.get(lockFile));
  const timer = setInterval(() => {
    const now = new Date();
    fsp.utimes(lockFile, now, now).catch(() => {});
  }, HEARTBEAT_MS);
  timer.unref();
  heartbeats.set(lockFile, timer);
}

/** Whether the lock's holder is gone, or the lock is one nobody will ever release. */
async function abandoned(lockFile: string): Promise<boolean> {
  let text: string;
  let age: number;
  try {
    [text, age] = await Promise.all([
      fsp.readFile(lockFile, 'utf8'),
      fsp.stat(lockFile).then((s) => Date.now() - s.mtimeMs),
    ]);
  } catch {
    return false; // just released: look again on the next poll
  }
  const holder = parseHolder(text);
  // Unreadable: not written by this version (link() only publishes whole files) or damaged.
  // Old enough not to be a lock being written, it is treated like a dead holder's.
  if (holder === undefined) return age >= UNREADABLE_MS;
  if (holder.host !== os.hostname()) return age >= STALE_MS;
  return holderIsGone(holder);
}

function parseHolder(text: string): Holder | undefined {
  try {
    const h = JSON.parse(text) as Partial<Record<keyof Holder, unknown>> | null;
    if (typeof h?.pid !== 'number' || typeof h.host !== 'string') return undefined;
    return {
      pid: h.pid,
      host: h.host,
      at: typeof h.at === 'number' ? h.at : undefined,
      id: typeof h.id === 'string' ? h.id : undefined,
    };
  } catch {
    return undefined;
  }
}

/** Drafts left by processes killed between writing and linking them. */
async function removeDeadDrafts(files: StepFiles): Promise<void> {
  const names = await fsp.readdir(files.dir).catch(() => [] as string[]);
  const host = os.hostname();
  const dead = names.filter((n) => {
    const pid = /^lock\.draft-(\d+)-\d+$/.exec(n)?.[1];
    // A draft of our own pid is only ever in flight (drafts are removed in a finally).
    return pid !== undefined && Number(pid) !== process.pid && holderIsGone({ pid: +pid, host });
  });
  await Promise.all(dead.map((n) => fsp.rm(path.join(files.dir, n), { force: true })));
}
