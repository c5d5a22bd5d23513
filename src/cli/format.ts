/**
 * Human-readable numbers for the `keepsake` command: byte sizes in binary units, times
 * relative to now, durations and plain-text tables. Machine output (`--json`) never goes
 * through here: it keeps raw bytes and epoch ms, so scripts need not parse units.
 */
import { CliError } from './cli-error.js';

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

/**
 * A byte count in binary units with three significant digits.
 *
 * @example
 * ```ts
 * formatBytes(512); // '512 B'
 * formatBytes(1536); // '1.50 KiB'
 * formatBytes(3 * 1024 ** 3); // '3.00 GiB'
 * ```
 */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return String(bytes);
  let n = bytes;
  let unit = 0;
  while (Math.abs(n) >= 1024 && unit < UNITS.length - 1) {
    n /= 1024;
    unit++;
  }
  if (unit === 0) return `${n} B`;
  const digits = Math.abs(n) >= 100 ? 0 : Math.abs(n) >= 10 ? 1 : 2;
  return `${n.toFixed(digits)} ${UNITS[unit]}`;
}

/** Multipliers by unit: SI for `KB`/`MB`/`GB` (what the letters mean), binary for `KiB`/`MiB`
 * and for the bare `k`/`m`/`g` shorthand that `du`, nginx and `java -Xmx` users type. */
const SIZE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  m: 1024 ** 2,
  g: 1024 ** 3,
  t: 1024 ** 4,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
};

/**
 * Parses a human byte size: plain bytes, `500MB` (10^6), `1GiB` (2^30), `1.5g` (2^30 too).
 *
 * @throws CliError (exit 1) for anything else, naming the flag.
 * @example
 * ```ts
 * parseBytes('1GB', '--max-bytes'); // 1_000_000_000
 * parseBytes('1GiB', '--max-bytes'); // 1_073_741_824
 * ```
 */
export function parseBytes(text: string, flag: string): number {
  return parseScaled(
    text,
    flag,
    SIZE_UNITS,
    'a size',
    'e.g. 500MB, 1GB, 1GiB or a plain number of bytes',
  );
}

const DURATION_UNITS: Record<string, number> = {
  '': 1,
  ms: 1,
  s: 1e3,
  m: 60e3,
  h: 3600e3,
  d: 86400e3,
};

/**
 * Parses a duration into ms: plain ms, or a number with `ms`, `s`, `m`, `h`, `d`.
 *
 * @throws CliError (exit 1) for anything else.
 * @example
 * ```ts
 * parseDuration('10m', '--orphan-age'); // 600_000
 * ```
 */
export function parseDuration(text: string, flag: string): number {
  return parseScaled(
    text,
    flag,
    DURATION_UNITS,
    'a duration',
    'e.g. 500ms, 30s, 10m, 2h, or a plain number of ms',
  );
}

/** A number with an optional unit from `units`, scaled and rounded down; else a CliError. */
function parseScaled(
  text: string,
  flag: string,
  units: Record<string, number>,
  what: string,
  hint: string,
): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = (match?.[2] ?? '').toLowerCase();
  // Own keys only: `5constructor` must not find Object.prototype.constructor.
  const scale = match && Object.hasOwn(units, unit) ? units[unit] : undefined;
  if (!match || scale === undefined) {
    throw new CliError(`${flag} must be ${what}, got ${JSON.stringify(text)}`, { hint });
  }
  return Math.floor(Number(match[1]) * scale);
}

/**
 * A duration in ms, short: `850 ms`, `12.3 s`, `4m 05s`, `2h 10m`, `3d 4h`.
 *
 * @example
 * ```ts
 * formatDuration(245_000); // '4m 05s'
 * ```
 */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const s = Math.floor(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)}m ${pad(s % 60)}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ${pad(Math.floor(s / 60) % 60)}m`;
  return `${Math.floor(s / 86400)}d ${Math.floor(s / 3600) % 24}h`;
}

/**
 * An epoch-ms time relative to `now`: `5s ago`, `in 2h`, `just now`.
 *
 * @example
 * ```ts
 * formatAgo(Date.now() - 90_000); // '1m ago'
 * ```
 */
export function formatAgo(at: number, now = Date.now()): string {
  const delta = at - now;
  const abs = Math.abs(delta);
  if (abs < 1000) return 'just now';
  const text =
    abs < 60_000
      ? `${Math.floor(abs / 1000)}s`
      : abs < 3600_000
        ? `${Math.floor(abs / 60_000)}m`
        : abs < 86400_000
          ? `${Math.floor(abs / 3600_000)}h`
          : `${Math.floor(abs / 86400_000)}d`;
  return delta < 0 ? `${text} ago` : `in ${text}`;
}

/**
 * An epoch-ms time as local `YYYY-MM-DD HH:MM:SS` plus the relative form.
 *
 * @example
 * ```ts
 * formatWhen(Date.now() - 3_600_000); // '2025-01-02 09:00:00 (1h ago)'
 * ```
 */
export function formatWhen(at: number, now = Date.now()): string {
  const d = new Date(at);
  const date = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return `${date} ${time} (${formatAgo(at, now)})`;
}

/**
 * A count with thousands separators (fixed `en-US`, so output does not vary by locale).
 *
 * @example
 * ```ts
 * formatCount(1234567); // '1,234,567'
 * ```
 */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/**
 * `n` and the noun, plural unless `n` is 1: `1 entry`, `3 entries`, `1,024 files`.
 *
 * @example
 * ```ts
 * plural(2, 'value file'); // '2 value files'
 * plural(1, 'entry', 'entries'); // '1 entry'
 * ```
 */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/**
 * Shortens `text` to `max` characters with an ellipsis in the middle, where keys differ least.
 *
 * @example
 * ```ts
 * ellipsize('memo:fetchUser:0123456789abcdef', 16); // 'memo:fet…abcdef'
 * ```
 */
export function ellipsize(text: string, max: number): string {
  if (text.length <= max) return text;
  const tail = Math.floor((max - 1) / 2);
  return `${text.slice(0, max - 1 - tail)}…${text.slice(text.length - tail)}`;
}

/** A table column: its heading and whether cells line up on the right (numbers). */
export interface Column {
  readonly title: string;
  readonly right?: boolean;
}

/**
 * Lays rows out under headings, columns two spaces apart, no trailing spaces.
 *
 * @example
 * ```ts
 * table([{ title: 'KEY' }, { title: 'SIZE', right: true }], [['a', '1 B']]);
 * // 'KEY  SIZE\na     1 B'
 * ```
 */
export function table(columns: readonly Column[], rows: ReadonlyArray<readonly string[]>): string {
  const all = [columns.map((c) => c.title), ...rows];
  const widths = columns.map((_, i) => Math.max(...all.map((r) => [...(r[i] ?? '')].length)));
  return all
    .map((row) =>
      columns
        .map((c, i) => {
          const cell = row[i] ?? '';
          const fill = ' '.repeat(widths[i]! - [...cell].length);
          return c.right ? fill + cell : cell + fill;
        })
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
