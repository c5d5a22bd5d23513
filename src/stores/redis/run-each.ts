/**
 * One script call per item, batched the way the server allows: a single pipeline on one
 * server, concurrent commands on a Cluster (an ioredis Cluster pipeline must keep to one slot).
 */
import type { ScriptClient, ScriptPipeline } from './scripts.js';

/**
 * Runs `add` for each item and resolves to their replies in order; the first failed reply
 * rejects it.
 *
 * @example
 * ```ts
 * const members = await runEach<string[]>(client, false, tags, (q, tag) =>
 *   q.keepsakePopTag(`keepsake:t:${tag}`),
 * );
 * ```
 */
export function runEach<T>(
  c: ScriptClient,
  cluster: boolean,
  items: readonly string[],
  add: (q: ScriptPipeline | ScriptClient, item: string) => unknown,
): Promise<T[]> {
  if (cluster) {
    return Promise.all(items.map((item) => add(c, item) as Promise<T>));
  }
  const pipeline = c.pipeline() as ScriptPipeline;
  for (const item of items) add(pipeline, item);
  return pipeline.exec().then((results) => checkResults(results) as T[]);
}

/**
 * Throws the first error in a pipeline's or transaction's results, else returns the values.
 *
 * @example
 * ```ts
 * const values = checkResults(await client.multi().get('a').get('b').exec());
 * ```
 */
export function checkResults(results: [Error | null, unknown][] | null): unknown[] {
  if (results === null) throw new Error('transaction aborted');
  return results.map(([error, value]) => {
    if (error) throw error;
    return value;
  });
}
