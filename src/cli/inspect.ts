import { inspect as utilInspect } from 'node:util';
import { isDead } from '../stores/disk/entry-view.js';
import { parseCount, stringFlag } from './args.js';
import { CacheReader, decodeValue, tagsOf } from './cache-reader.js';
import { CliError, EXIT } from './cli-error.js';
import { type Command, writeJson } from './command.js';
import { formatBytes, formatWhen, plural } from './format.js';

const DEFAULT_DEPTH = 4;
/** Lines of the decoded value printed before cutting it off: an inspect of a big object can
 * run to megabytes, and a terminal user wants its shape, not all of it. */
const MAX_LINES = 60;

/**
 * The decoded value as `util.inspect` text, arrays and strings shortened and cut to
 * `maxLines` lines.
 *
 * @example
 * ```ts
 * showValue(new Map([[1, 'a']]), 4, 60); // "Map(1) { 1 => 'a' }"
 * ```
 */
export function showValue(value: unknown, depth: number, maxLines: number): string {
  const text = utilInspect(value, {
    depth,
    maxArrayLength: 20,
    maxStringLength: 200,
    breakLength: 100,
    sorted: false,
  });
  const lines = text.split('\n');
  if (maxLines === 0 || lines.length <= maxLines) return text;
  return `${lines.slice(0, maxLines).join('\n')}\n... (${plural(lines.length - maxLines, 'more line')}; --lines 0 for all)`;
}

/** `keepsake inspect <key>`: one entry's metadata and decoded value. */
export const inspect: Command = {
  name: 'inspect',
  summary: 'Show one entry: metadata and the decoded value',
  usage: 'keepsake inspect <key> [--depth N] [--lines N] [--dir DIR] [--json]',
  help: `Prints an entry's metadata (size, times, tags, where it is stored), checks its
checksum, and shows its value decoded by the codec (util.inspect, shortened). The
cache is not changed: unlike a read by the program, this records no use.

Exit codes: 0 shown, 1 no such key, 2 the entry is corrupt.

Options:
  --depth N   nesting shown (default ${DEFAULT_DEPTH})
  --lines N   lines of value shown; 0 for all (default ${MAX_LINES})

Example:
  keepsake inspect 'report:2024-06'`,
  options: { depth: { type: 'string' }, lines: { type: 'string' } },
  args: { min: 1, max: 1 },
  async run({ values, positionals, dir, json, io }) {
    const key = positionals[0]!;
    const depthText = stringFlag(values, 'depth');
    const depth = depthText === undefined ? DEFAULT_DEPTH : parseCount(depthText, '--depth');
    const linesText = stringFlag(values, 'lines');
    const maxLines = linesText === undefined ? MAX_LINES : parseCount(linesText, '--lines');
    const now = Date.now();
    const reader = CacheReader.open(dir);
    try {
      const row = reader.find(key);
      if (row === undefined) {
        throw new CliError(`no entry ${JSON.stringify(key)} in ${dir}`, {
          hint: 'keys are listed by `keepsake ls` (a cache with a namespace prefixes its keys)',
        });
      }
      const view = row.view;
      const read = reader.readValue(row);
      const decoded = read.status === 'ok' ? decodeValue(read.bytes) : undefined;
      const problem =
        read.status === 'corrupt'
          ? read.reason
          : read.status === 'gone'
            ? 'it was removed or replaced while being read'
            : decoded?.status === 'corrupt'
              ? decoded.reason
              : undefined;
      const corrupt = read.status === 'corrupt' || decoded?.status === 'corrupt';
      const valueText =
        decoded?.status === 'ok'
          ? showValue(decoded.value, depth, maxLines)
          : decoded?.status === 'raw'
            ? `<${formatBytes(read.status === 'ok' ? read.bytes.length : 0)} of raw bytes, not a codec value>`
            : decoded?.status === 'undecodable'
              ? `<not decodable here: ${decoded.reason}>`
              : `<${problem}>`;
      if (json) {
        writeJson(io, {
          dir,
          key,
          size: view?.size ?? null,
          createdAt: view?.createdAt ?? null,
          usedAt: view?.usedAt ?? null,
          expiresAt: view?.expiresAt ?? null,
          staleUntil: view?.staleUntil ?? null,
          expired: view === undefined ? null : isDead(view, now),
          tags: view === undefined ? [] : tagsOf(view),
          storage: view === undefined ? null : view.blob ? 'file' : 'inline',
          file: view?.blob ? `blobs/${row.raw.toString('latin1', view.bodyAt)}` : null,
          status: corrupt ? 'corrupt' : (decoded?.status ?? read.status),
          problem: problem ?? null,
          value: valueText,
        });
      } else {
        const lines: Array<[string, string]> = [['key', key]];
        if (view !== undefined) {
          lines.push([
            'size',
            view.size >= 1024
              ? `${formatBytes(view.size)} (${plural(view.size, 'byte')})`
              : formatBytes(view.size),
          ]);
          lines.push([
            'stored',
            view.blob ? `in file blobs/${row.raw.toString('latin1', view.bodyAt)}` : 'in the index',
          ]);
          lines.push(['created', formatWhen(view.createdAt, now)]);
          lines.push(['used', view.usedAt > 0 ? formatWhen(view.usedAt, now) : '-']);
          const expires = view.expiresAt === null ? 'never' : formatWhen(view.expiresAt, now);
          lines.push(['expires', isDead(view, now) ? `${expires}, expired` : expires]);
          if (view.staleUntil !== null)
            lines.push(['stale until', formatWhen(view.staleUntil, now)]);
          if (view.tagsJson !== null) lines.push(['tags', tagsOf(view).join(', ')]);
        }
        lines.push([
          'checksum',
          corrupt ? `CORRUPT: ${problem}` : read.status === 'ok' ? 'ok' : read.status,
        ]);
        const width = Math.max(...lines.map(([k]) => k.length));
        io.out(
          `${lines.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n')}\nvalue:\n${valueText}\n`,
        );
      }
      return corrupt ? EXIT.CORRUPT : EXIT.OK;
    } finally {
      await reader.close();
    }
  },
};
