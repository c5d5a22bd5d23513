import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { dumpFile, loadFile, openRecordWriter, readRecords } from './codec/index.js';
import { KeepsakeError } from './errors.js';
import { hashKey } from './key/index.js';
import { StepFiles, type StepRecord } from './pipeline/step-files.js';
import { holderState, PROCESS_ID, stopWaiting, tryLock, unlock } from './pipeline/step-lock.js';
import type {
  EachOptions,
  Pipeline,
  PipelineOptions,
  StepOptions,
  StepStatus,
} from './pipeline/types.js';

export type {
  EachOptions,
  Pipeline,
  PipelineOptions,
  StepOptions,
  StepStatus,
} from './pipeline/types.js';

const POLL_MS = 50;

function checkName(name: unknown, what: string): asserts name is string {
  if (typeof name !== 'string' || name === '') {
    throw new KeepsakeError('ERR_OPTIONS', `${what} needs a non-empty name`, {
      hint: "e.g. run.step('load', () => ...)",
    });
  }
}

function record(kind: 'step' | 'each', fingerprint: string, inputs: string): StepRecord {
  return {
    state: 'running',
    kind,
    fingerprint,
    inputs,
    // Sub-millisecond, so steps that start within one ms still list in the order they ran.
    startedAt: performance.timeOrigin + performance.now(),
    pid: process.pid,
    host: os.hostname(),
    id: PROCESS_ID,
  };
}

/**
 * Checkpointed pipeline steps: a crashed or rerun data pipeline resumes where it stopped, and
 * a step reruns only when its name, version or inputs change.
 *
 * @example
 * ```ts
 * import { pipeline } from 'keepsake';
 *
 * const run = pipeline({ dir: '.checkpoints', name: 'report' });
 * const rows = await run.step('load', () => loadCsv('sales.csv'), { inputs: ['sales.csv'] });
 * const clean = await run.step('clean', () => rows.filter(valid), { inputs: [rows] });
 * for await (const scored of run.each('score', clean, (row) => score(row), { key: (r) => r.id })) {
 *   write(scored);
 * }
 * ```
 */
export function pipeline(options: PipelineOptions): Pipeline {
  if (typeof options !== 'object' || options === null || typeof options.dir !== 'string') {
    throw new KeepsakeError('ERR_OPTIONS', 'pipeline needs { dir }', {
      hint: "e.g. pipeline({ dir: '.checkpoints' })",
    });
  }
  const name = options.name ?? 'default';
  checkName(name, 'pipeline');
  const root = path.join(options.dir, encodeURIComponent(name));

  /** Waits until this process holds the step's lock, or another process's checkpoint shows. */
  async function lockOrCheckpoint(files: StepFiles, fingerprint: string): Promise<boolean> {
    for (;;) {
      const status = await files.readStatus();
      if (status?.state === 'done' && status.fingerprint === fingerprint) {
        stopWaiting(files);
        return false;
      }
      if (await tryLock(files)) return true;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  async function step<T>(
    stepName: string,
    fn: () => T | Promise<T>,
    stepOptions: StepOptions = {},
  ): Promise<T> {
    checkName(stepName, 'step');
    if (typeof fn !== 'function') {
      throw new KeepsakeError('ERR_OPTIONS', `step "${stepName}" needs a function`, {
        hint: "e.g. run.step('load', () => load())",
      });
    }
    const inputs = hashKey(stepOptions.inputs ?? []);
    const fingerprint = hashKey('step', name, stepName, stepOptions.version ?? null, inputs);
    const files = new StepFiles(root, stepName);
    const stored = await loadDone<T>(files, fingerprint);
    if (stored.found) return stored.value;
    if (!(await lockOrCheckpoint(files, fingerprint))) {
      const again = await loadDone<T>(files, fingerprint);
      if (again.found) return again.value;
    }
    try {
      const started = record('step', fingerprint, inputs);
      await files.writeStatus(started);
      let value: T;
      try {
        value = await fn();
      } catch (err) {
        // As in each(): the step's own error is the one to report, not a failure to record it.
        await files
          .writeStatus(failedRecord(started, describeError(err), undefined))
          .catch(() => {});
        throw err;
      }
      const file = files.result(fingerprint);
      await dumpFile(file, value);
      await files.markDone(started, file);
      await files.prune(fingerprint);
      return value;
    } finally {
      unlock(files);
    }
  }

  // Checked here, not inside the generator: bad arguments fail at the call, not at first next().
  function each<I, O>(
    stepName: string,
    items: Iterable<I> | AsyncIterable<I>,
    fn: (item: I, index: number) => O | Promise<O>,
    eachOptions: EachOptions<I> = {},
  ): AsyncIterableIterator<O> {
    checkName(stepName, 'each');
    if (typeof fn !== 'function') {
      throw new KeepsakeError('ERR_OPTIONS', `each "${stepName}" needs a function`, {
        hint: "e.g. run.each('score', rows, (row) => score(row))",
      });
    }
    if (
      items === null ||
      typeof items !== 'object' ||
      !(Symbol.iterator in items || Symbol.asyncIterator in items)
    ) {
      throw new KeepsakeError('ERR_OPTIONS', `each "${stepName}" needs an iterable of items`, {
        hint: 'pass an array, a generator or an async iterable',
      });
    }
    const concurrency = eachOptions.concurrency ?? 1;
    if (!Number.isSafeInteger(concurrency) || concurrency < 1) {
      throw new KeepsakeError('ERR_OPTIONS', '`concurrency` must be an integer >= 1', {
        hint: `got ${String(concurrency)}; use 1 for one item at a time`,
      });
    }
    if (eachOptions.key !== undefined && typeof eachOptions.key !== 'function') {
      throw new KeepsakeError('ERR_OPTIONS', '`key` must be a function of the item', {
        hint: 'e.g. { key: (row) => row.id }',
      });
    }
    return eachItems(stepName, items, fn, eachOptions, concurrency);
  }

  async function* eachItems<I, O>(
    stepName: string,
    items: Iterable<I> | AsyncIterable<I>,
    fn: (item: I, index: number) => O | Promise<O>,
    eachOptions: EachOptions<I>,
    concurrency: number,
  ): AsyncIterableIterator<O> {
    const inputs = hashKey(eachOptions.version ?? null);
    const fingerprint = hashKey('each', name, stepName, eachOptions.version ?? null);
    const files = new StepFiles(root, stepName);
    await lockOrCheckpoint(files, '');
    const started = record('each', fingerprint, inputs);
    // Recorded items replayed to the caller; then (once the writer is open) every item known
    // to be in the record file, each yielded as it is written.
    let kept = 0;
    let recorded: number | undefined;
    let ended = false;
    let done: AsyncIterableIterator<[string, O]> | undefined;
    let source: AsyncIterator<I> | undefined;
    try {
      await files.writeStatus(started);
      await files.prune(fingerprint);
      const file = files.records(fingerprint);
      const keyOf = (item: I, index: number) =>
        hashKey(eachOptions.key ? eachOptions.key(item, index) : index);
      // Done items are read back in lockstep with the input: the record file is in input
      // order, so memory stays bounded however many items there are.
      done = (await exists(file))
        ? readRecords<[string, O]>(file, { onTornTail: 'truncate' })
        : undefined;
      source = toAsync(items)[Symbol.asyncIterator]();
      let index = 0;
      let cut = false;
      const pendingFirst: Array<{ item: I; index: number }> = [];
      if (done !== undefined) {
        for (;;) {
          const next = await source.next();
          if (next.done) {
            // The input ended: records past it belong to an older, longer input.
            cut = !(await done.next()).done;
            break;
          }
          const recorded = await done.next();
          const key = keyOf(next.value, index);
          if (recorded.done || recorded.value[0] !== key) {
            // A changed item: it and everything after it are recomputed in the new order.
            cut = !recorded.done;
            pendingFirst.push({ item: next.value, index: index++ });
            break;
          }
          kept += 1;
          index++;
          yield recorded.value[1];
        }
        await done.return?.(undefined);
      }
      if (cut) await cutRecords(file, kept);
      const writer = await openRecordWriter(file, { append: true, batchBytes: 0 });
      recorded = kept;
      try {
        const queue: Array<{ key: string; result: Promise<O> }> = [];
        const start = (item: I, i: number) => {
          const result = Promise.resolve().then(() => fn(item, i));
          // Awaited in its turn; until then a failure must not count as unhandled (it would
          // end the process), nor must those left behind when an earlier item failed.
          result.catch(() => {});
          queue.push({ key: keyOf(item, i), result });
        };
        const drainOne = async (): Promise<O> => {
          const head = queue.shift()!;
          const value = await head.result;
          await writer.write([head.key, value]);
          recorded!++;
          return value;
        };
        for (const p of pendingFirst) start(p.item, p.index);
        for (;;) {
          while (queue.length >= concurrency) yield await drainOne();
          const next = await source.next();
          if (next.done) break;
          start(next.value, index++);
        }
        while (queue.length > 0) yield await drainOne();
      } finally {
        await writer.close();
      }
      await files.markDone(started, file, recorded);
      ended = true;
    } catch (err) {
      ended = true;
      // The step's own error is the one to report, not a failure to record it.
      await files.writeStatus(failedRecord(started, describeError(err), recorded)).catch(() => {});
      throw err;
    } finally {
      if (!ended) {
        // The caller left the loop early (break, return, a throw in its own body).
        const yielded = recorded ?? kept;
        const why = `stopped by the caller after ${yielded} item(s) were yielded; a rerun resumes from there`;
        await files.writeStatus(failedRecord(started, why, recorded)).catch(() => {});
      }
      // Let the record reader and the caller's own iterator close their files, as `for await`
      // would for an input it stops reading.
      await closeQuietly(done);
      await closeQuietly(source);
      unlock(files);
    }
  }

  async function status(): Promise<StepStatus[]> {
    let names: string[];
    try {
      names = await fsp.readdir(root);
    } catch {
      return [];
    }
    const out: StepStatus[] = [];
    for (const dirName of names.sort()) {
      const files = new StepFiles(root, decodeURIComponent(dirName));
      const rec = await files.readStatus();
      if (rec === undefined) {
        out.push({ name: files.name, state: 'pending' });
        continue;
      }
      const dead = rec.state === 'running' && holderState(rec) === 'gone';
      const entry: StepStatus = {
        name: files.name,
        state: dead ? 'failed' : rec.state,
        startedAt: rec.startedAt,
        inputs: rec.inputs,
      };
      if (rec.finishedAt !== undefined) entry.finishedAt = rec.finishedAt;
      if (rec.durationMs !== undefined) entry.durationMs = rec.durationMs;
      if (rec.bytes !== undefined) entry.bytes = rec.bytes;
      if (rec.items !== undefined) entry.items = rec.items;
      if (rec.error !== undefined && entry.state === 'failed') entry.error = rec.error;
      out.push(entry);
    }
    // In the order the steps last started; steps never started last.
    return out.sort((a, b) => (a.startedAt ?? Infinity) - (b.startedAt ?? Infinity));
  }

  async function reset(stepName?: string): Promise<void> {
    if (stepName === undefined) {
      await fsp.rm(root, { recursive: true, force: true });
      return;
    }
    checkName(stepName, 'reset');
    await fsp.rm(new StepFiles(root, stepName).dir, { recursive: true, force: true });
  }

  return { step, each, status, reset };
}

/** A step's status after `why` stopped it, with the records known to be kept, if any. */
function failedRecord(started: StepRecord, why: string, items: number | undefined): StepRecord {
  return { ...started, state: 'failed', error: why, ...(items === undefined ? {} : { items }) };
}

/** `String(err)`, or its tag when even that throws (a null-prototype object, a bad toString). */
function describeError(err: unknown): string {
  try {
    return String(err);
  } catch {
    return Object.prototype.toString.call(err);
  }
}

/** Ends an iterator that may be left mid-way; what its cleanup throws is not the caller's. */
async function closeQuietly(it: AsyncIterator<unknown> | undefined): Promise<void> {
  try {
    await it?.return?.();
  } catch {
    // Nothing to add to the error or the early stop that got us here.
  }
}

async function loadDone<T>(
  files: StepFiles,
  fingerprint: string,
): Promise<{ found: true; value: T } | { found: false }> {
  const status = await files.readStatus();
  if (status?.state !== 'done' || status.fingerprint !== fingerprint) return { found: false };
  try {
    return { found: true, value: await loadFile<T>(files.result(fingerprint)) };
  } catch (err) {
    // A damaged or missing checkpoint: the step reruns, nothing else is lost.
    if (err instanceof KeepsakeError) return { found: false };
    throw err;
  }
}

async function exists(file: string): Promise<boolean> {
  return fsp.stat(file).then(
    () => true,
    () => false,
  );
}

/** Keeps the first `count` records of a record file (cuts off a changed or torn rest). */
async function cutRecords(file: string, count: number): Promise<void> {
  if (!(await exists(file))) return;
  const temp = `${file}.cut-${process.pid}`;
  const writer = await openRecordWriter(temp);
  let n = 0;
  try {
    for await (const rec of readRecords(file)) {
      if (n++ >= count) break;
      await writer.write(rec);
    }
  } finally {
    await writer.close();
  }
  await fsp.rename(temp, file);
}

function toAsync<I>(items: Iterable<I> | AsyncIterable<I>): AsyncIterable<I> {
  if (Symbol.asyncIterator in items) return items as AsyncIterable<I>;
  return (async function* () {
    yield* items as Iterable<I>;
  })();
}
