import fs from 'node:fs';
import path from 'node:path';
import { pipeline, type StepStatus } from '../pipeline.js';
import { stringFlag } from './args.js';
import { CliError, EXIT } from './cli-error.js';
import { type Command, writeJson } from './command.js';
import { formatAgo, formatBytes, formatCount, formatDuration, table } from './format.js';

/** One pipeline in `keepsake pipeline status --json`. */
export interface PipelineReport {
  name: string;
  /** Its folder: `<dir>/<encodeURIComponent(name)>`. */
  dir: string;
  steps: StepStatus[];
}

/** Length of the input fingerprint shown in the table (the JSON has it whole). */
const SHORT_FINGERPRINT = 12;

/** Names of the pipelines under `dir`: each subfolder is one, named percent-encoded. */
function pipelineNames(dir: string): string[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    throw new CliError(`cannot read ${dir}: ${(error as NodeJS.ErrnoException).code ?? error}`, {
      hint: 'pass the folder given to pipeline({ dir })',
    });
  }
  const names: string[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    try {
      names.push(decodeURIComponent(entry.name));
    } catch {
      // Not a name pipeline() made (bad percent-encoding): some other folder.
    }
  }
  return names.sort();
}

/**
 * The status of the pipeline `name` under `dir`, or of every pipeline there with steps.
 *
 * @example
 * ```ts
 * const [report] = await collectPipelines('.checkpoints', 'nightly');
 * ```
 */
export async function collectPipelines(dir: string, name?: string): Promise<PipelineReport[]> {
  const names = name === undefined ? pipelineNames(dir) : [name];
  const out: PipelineReport[] = [];
  for (const n of names) {
    const steps = await pipeline({ dir, name: n }).status();
    if (steps.length > 0) out.push({ name: n, dir: path.join(dir, encodeURIComponent(n)), steps });
  }
  return out;
}

/** The table rows of one pipeline's steps. */
function rows(steps: readonly StepStatus[], now: number): string[][] {
  return steps.map((s) => [
    s.name,
    s.state,
    s.startedAt === undefined ? '-' : formatAgo(s.startedAt, now),
    s.durationMs === undefined
      ? s.state === 'running' && s.startedAt !== undefined
        ? `${formatDuration(now - s.startedAt)}…`
        : '-'
      : formatDuration(s.durationMs),
    s.bytes === undefined ? '-' : formatBytes(s.bytes),
    s.items === undefined ? '-' : formatCount(s.items),
    s.inputs === undefined ? '-' : s.inputs.slice(0, SHORT_FINGERPRINT),
  ]);
}

/** `keepsake pipeline status <dir>`: a table of each pipeline's steps. */
export const pipelineStatus: Command = {
  name: 'pipeline',
  summary: 'pipeline status <dir>: the steps of checkpointed pipelines',
  usage: 'keepsake pipeline status <dir> [--name NAME] [--json]',
  help: `Shows every pipeline under <dir> (the folder given to pipeline({ dir })), or only
--name NAME, as a table: step, state (done, running, failed, pending), when it
started, how long it took, the checkpoint's size, items recorded by each(), and the
fingerprint of its inputs and version; below it, why each failed step failed. Reads
only; a running pipeline is not disturbed.

Options:
  --name NAME   only this pipeline (pipeline({ name }), default 'default')

Example:
  keepsake pipeline status .checkpoints --name nightly`,
  options: { name: { type: 'string' } },
  args: { min: 2, max: 2 },
  async run({ values, positionals, json, io }) {
    const [sub, target] = positionals as [string, string];
    if (sub !== 'status') {
      throw new CliError(`pipeline: unknown subcommand "${sub}"`, {
        hint: 'the pipeline command has one subcommand: status',
        usage: true,
      });
    }
    const dir = path.resolve(target);
    const name = stringFlag(values, 'name');
    const found = await collectPipelines(dir, name);
    if (found.length === 0) {
      throw new CliError(
        name === undefined ? `no pipelines in ${dir}` : `no pipeline "${name}" in ${dir}`,
        {
          hint:
            name === undefined
              ? 'pass the folder given to pipeline({ dir }); it has one subfolder per pipeline'
              : `run \`keepsake pipeline status ${target}\` to list the pipelines there`,
        },
      );
    }
    if (json) {
      writeJson(io, { dir, pipelines: found });
      return EXIT.OK;
    }
    const now = Date.now();
    const columns = [
      { title: 'STEP' },
      { title: 'STATE' },
      { title: 'STARTED' },
      { title: 'DURATION', right: true },
      { title: 'SIZE', right: true },
      { title: 'ITEMS', right: true },
      { title: 'INPUTS' },
    ];
    const blocks = found.map((p) => {
      // Why each failed step failed, under the table: an error message would not fit a column.
      const reasons = p.steps
        .filter((s) => s.state === 'failed' && s.error !== undefined)
        .map((s) => `  ${s.name}: ${s.error}\n`)
        .join('');
      return `pipeline ${p.name}  (${p.dir})\n${table(columns, rows(p.steps, now))}${
        reasons === '' ? '' : `\nfailed:\n${reasons}`
      }`;
    });
    io.out(`${blocks.join('\n\n')}\n`);
    return EXIT.OK;
  },
};
