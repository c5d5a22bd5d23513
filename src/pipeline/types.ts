/**
 * The public types of checkpointed pipelines: the options of `pipeline()`, `step()` and
 * `each()`, the `Pipeline` handle, and what `status()` reports.
 */

/**
 * Options of {@link pipeline}.
 *
 * @example
 * ```ts
 * const run = pipeline({ dir: '.checkpoints', name: 'nightly' });
 * ```
 */
export interface PipelineOptions {
  /** The folder checkpoints live in; created if missing. Several runs and processes may share it. */
  dir: string;
  /** The pipeline's name: several pipelines can share `dir`. @default 'default' */
  name?: string;
}

/**
 * Options of `pipeline.step`.
 *
 * @example
 * ```ts
 * const model = await run.step('train', () => train(rows), { inputs: [rows, params], version: 2 });
 * ```
 */
export interface StepOptions {
  /** Values the step depends on (file names, parameters, earlier steps' results): a change
   * reruns the step. @default [] */
  inputs?: unknown[];
  /** Bump to rerun the step after changing its code. @default none */
  version?: string | number;
}

/**
 * Options of `pipeline.each`.
 *
 * @example
 * ```ts
 * const options: EachOptions<string> = { key: (url) => url, concurrency: 8 };
 * for await (const page of run.each('fetch', urls, (url) => fetchPage(url), options)) save(page);
 * ```
 */
export interface EachOptions<I> {
  /** What identifies an item across runs; results are matched by it. @default its index */
  key?: (item: I, index: number) => unknown;
  /** Bump to redo every item after changing `fn`. @default none */
  version?: string | number;
  /** How many items an async `fn` works on at once; results still come in input order.
   * @default 1 */
  concurrency?: number;
}

/**
 * One step as `status()` reports it. Times are epoch ms.
 *
 * @example
 * ```ts
 * for (const step of await run.status()) {
 *   console.log(step.name, step.state, step.durationMs ?? '-', step.items ?? '');
 * }
 * ```
 */
export interface StepStatus {
  name: string;
  state: 'done' | 'running' | 'failed' | 'pending';
  startedAt?: number;
  finishedAt?: number;
  durationMs?: number;
  /** Size of the stored checkpoint, bytes. */
  bytes?: number;
  /** Items recorded, for `each` steps (so far, when it failed or was stopped while computing). */
  items?: number;
  /** Fingerprint of the step's inputs and version. */
  inputs?: string;
  /** Why a `failed` step failed: its error as `String(error)` (`'Error: HTTP 503'`), or that
   * the caller left an `each` loop early. */
  error?: string;
}

/**
 * A checkpointed pipeline; create it with {@link pipeline}.
 *
 * @example
 * ```ts
 * const run: Pipeline = pipeline({ dir: '.checkpoints' });
 * const rows = await run.step('load', () => loadCsv('sales.csv'), { inputs: ['sales.csv'] });
 * await run.reset('load'); // forget the checkpoint: the next run loads again
 * ```
 */
export interface Pipeline {
  /** Runs `fn` unless a checkpoint with the same name, version and inputs exists, and returns
   * the stored result if so. A throw or a crash leaves no checkpoint. */
  step<T>(name: string, fn: () => T | Promise<T>, options?: StepOptions): Promise<T>;
  /** Maps `fn` over `items`, recording each result as it completes; a rerun after a crash
   * skips recorded items and yields every result in input order. */
  each<I, O>(
    name: string,
    items: Iterable<I> | AsyncIterable<I>,
    fn: (item: I, index: number) => O | Promise<O>,
    options?: EachOptions<I>,
  ): AsyncIterableIterator<O>;
  /** Every step this folder knows, with its state. */
  status(): Promise<StepStatus[]>;
  /** Forgets one step's checkpoints, or every step's. */
  reset(step?: string): Promise<void>;
}
