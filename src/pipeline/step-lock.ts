import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ioError } from '../codec/files.js';
import type { StepFiles } from './step-files.js';

/**
 * The lock a process holds while it runs a step: `<step folder>/lock`, JSON of a
 * {@link Holder}. A waiter takes it over once its holder is known to be gone:
 *
 * - Same host, decided at once: the holder's pid is not running, or runs another process than
 *   the one that took the lock (Linux tells by the process's start time; a container
 *   restarted after a crash often reuses the crashed run's pid).
 * - Otherwise (another host sharing the folder, or a pid whose process cannot be told apart):
 *   the holder refreshes the lock's mtime every {@link HEARTBEAT_MS}, and a lock left
 *   unchanged for {@link STALE_MS} is abandoned. A holder whose event loop a synchronous step
 *   blocks that long can lose its lock this way: the step is then computed twice, which costs
 *   time but never damages a checkpoint (every checkpoint write is atomic).
 */

/**
 * Who holds a lock or runs a step. `id`: {@link PROCESS_ID}; `at`: when it took the lock, for
 * people reading the file (nothing decides on it).
 */
export interface Holder {
  pid: number;
  host: string;
  at?: number | undefined;
  id?: string | undefined;
}

/** How often a holder refreshes its lock's mtime. */
export const HEARTBEAT_MS = 5_000;
/** A lock that cannot be tied to a live process is abandoned after this long unchanged. */
export const STALE_MS = 30_000;
/** An unreadable lock (a write in progress, or damaged) is abandoned after this long. */
const UNREADABLE_MS = 5_000;
/** An mtime older than its limit plus this is stale at first sight, whatever the clock skew. */
const SKEW_MS = 5 * 60_000;
/** Drafts live for milliseconds: one this old was left by a killed process. */
const DRAFT_MS = 60_000;

/** A process's start time in clock ticks since boot, from Linux's /proc; else undefined. */
export function startTicks(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22, counted after the command name (which may hold spaces and parentheses).
    const ticks = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    return ticks !== undefined && /^\d+$/.test(ticks) ? ticks : undefined;
  } catch {
    return undefined;
  }
}

function randomProcessId(): string {
  // Shared through globalThis so that two copies of keepsake in one process agree.
  const key = Symbol.for('keepsake.pipeline.processId');
  const slot = globalThis as unknown as Record<symbol, string | undefined>;
  slot[key] ??= `r${randomBytes(8).toString('hex')}`;
  return slot[key];
}

/**
 * This process among all that ever had its pid on this host: `t<start ticks>` on Linux (the
 * same in every worker thread), else a random `r…` id.
 */
export const PROCESS_ID: string = ((t) => (t === undefined ? randomProcessId() : `t${t}`))(
  startTicks(process.pid),
);

/**
 * Whether the process that wrote a lock or a running status is gone: `'unknown'` when it
 * cannot be told (another host; a live pid whose process cannot be compared).
 */
export function holderState(holder: Holder): 'gone' | 'alive' | 'unknown' {
  if (holder.host !== os.hostname()) return 'unknown';
  if (holder.pid === process.pid) {
    if (holder.id === PROCESS_ID) return 'alive';
    // Written by another process with our pid. A random id could also be one of our worker
    // threads (they get their own); an absent id is an older keepsake's: never ours.
    return holder.id?.startsWith('r') ? 'unknown' : 'gone';
  }
  try {
    process.kill(holder.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return 'gone';
  }
  const ticks = holder.id?.startsWith('t') ? startTicks(holder.pid) : undefined;
  if (ticks === undefined) return 'unknown';
  return `t${ticks}` === holder.id ? 'alive' : 'gone';
}

const heartbeats = new Map<string, NodeJS.Timeout>();
/** Per lock file a waiter watches: the mtime it last saw, and since when (monotonic ms). */
const watched = new Map<string, { mtimeMs: number; since: number }>();
let drafts = 0;

/**
 * Takes the step's lock. A lock whose holder is gone is taken over; while a live process holds
 * it, resolves `false` so the caller waits for that process's checkpoint.
 */
export async function tryLock(files: StepFiles): Promise<boolean> {
  const held = await fsp.stat(files.lockFile).catch(() => undefined);
  if (held === undefined) {
    if (await publishLock(files)) {
      watched.delete(files.lockFile);
      startHeartbeat(files.lockFile);
      await removeStaleDrafts(files);
      return true;
    }
    return false;
  }
  if (!(await abandoned(files.lockFile, held.mtimeMs))) return false;
  // Moved aside (only one waiter's rename can succeed), then the waiters race for a fresh lock
  // on the next poll. A waiter that judged the lock just before another took it over can
  // still move the new lock aside: the cost is a step computed twice, never a damaged
  // checkpoint, since every checkpoint write is atomic.
  const aside = `${files.lockFile}.dead-${process.pid}`;
  await fsp.rename(files.lockFile, aside).then(
    () => fsp.rm(aside, { force: true }),
    () => {},
  );
  watched.delete(files.lockFile);
  return false;
}

/**
 * Writes the lock whole under a private name, then links it into place: link() fails with
 * EEXIST like an O_EXCL create, but a process killed at any moment leaves either no lock or a
 * readable one (an O_EXCL create followed by a write leaves an empty lock if killed between).
 */
async function publishLock(files: StepFiles): Promise<boolean> {
  const me = JSON.stringify({
    pid: process.pid,
    host: os.hostname(),
    at: Date.now(),
    id: PROCESS_ID,
  } satisfies Holder);
  const draft = `${files.lockFile}.draft-${PROCESS_ID}-${drafts++}`;
  await fsp.mkdir(files.dir, { recursive: true }).catch((err: unknown) => {
    throw ioError('creating', files.dir, err);
  });
  try {
    await fsp.writeFile(draft, me);
    await fsp.link(draft, files.lockFile);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // Taken meanwhile; or our draft (or the folder) was removed under us: look again later.
    if (code === 'EEXIST' || code === 'ENOENT') return false;
    // No hard links here (FAT, some network or FUSE file systems): an O_EXCL create. Its rare
    // empty lock, from a kill between create and write, goes stale like any other.
    try {
      await fsp.writeFile(files.lockFile, me, { flag: 'wx' });
      return true;
    } catch (fallback) {
      if ((fallback as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw ioError('locking', files.lockFile, fallback);
    }
  } finally {
    await fsp.rm(draft, { force: true }).catch(() => {});
  }
}

/**
 * Forgets what this process noted while waiting on the step's lock (its mtime, and since
 * when), once it no longer waits: the holder's checkpoint showed up.
 *
 * @example
 * ```ts
 * if (status?.state === 'done') stopWaiting(files);
 * ```
 */
export function stopWaiting(files: StepFiles): void {
  watched.delete(files.lockFile);
}

/** Releases the step's lock if this process holds it. */
export function unlock(files: StepFiles): void {
  clearInterval(heartbeats.get(files.lockFile));
  heartbeats.delete(files.lockFile);
  try {
    const holder = parseHolder(fs.readFileSync(files.lockFile, 'utf8'));
    if (holder?.pid === process.pid && holder.id === PROCESS_ID) {
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
async function abandoned(lockFile: string, mtimeMs: number): Promise<boolean> {
  let text: string;
  try {
    text = await fsp.readFile(lockFile, 'utf8');
  } catch {
    return false; // just released: look again on the next poll
  }
  const holder = parseHolder(text);
  if (holder === undefined) return unchangedFor(lockFile, mtimeMs, UNREADABLE_MS);
  const state = holderState(holder);
  return state === 'gone' || (state === 'unknown' && unchangedFor(lockFile, mtimeMs, STALE_MS));
}

/**
 * Whether the lock's mtime has stayed `mtimeMs` for `limit` ms, timed by this process's
 * monotonic clock (the mtime comes from the holder's clock, which may be skewed against
 * ours), or is so old by our clock that no plausible skew explains it.
 */
function unchangedFor(lockFile: string, mtimeMs: number, limit: number): boolean {
  if (Date.now() - mtimeMs >= limit + SKEW_MS) return true;
  const now = performance.now();
  const seen = watched.get(lockFile);
  if (seen === undefined || seen.mtimeMs !== mtimeMs) {
    watched.set(lockFile, { mtimeMs, since: now });
    return false;
  }
  return now - seen.since >= limit;
}

function parseHolder(text: string): Holder | undefined {
  try {
    const h = JSON.parse(text) as Partial<Record<keyof Holder, unknown>> | null;
    if (typeof h?.pid !== 'number' || typeof h.host !== 'string') return undefined;
    return { pid: h.pid, host: h.host, id: typeof h.id === 'string' ? h.id : undefined };
  } catch {
    return undefined;
  }
}

/** Drafts left by processes killed between writing and linking them. */
async function removeStaleDrafts(files: StepFiles): Promise<void> {
  const names = await fsp.readdir(files.dir).catch(() => [] as string[]);
  const now = Date.now();
  await Promise.all(
    names
      .filter((n) => n.startsWith('lock.draft-'))
      .map(async (n) => {
        const file = path.join(files.dir, n);
        const stat = await fsp.stat(file).catch(() => undefined);
        if (stat !== undefined && now - stat.mtimeMs > DRAFT_MS) {
          await fsp.rm(file, { force: true }).catch(() => {});
        }
      }),
  );
}
