import type { CliIo } from './command.js';
import { formatBytes, formatCount } from './format.js';

/** Redraws at most this often, ms: a terminal cannot show more, and each draw is a write. */
const REDRAW_MS = 100;

/**
 * One line of a progress bar, fitted to `columns`.
 *
 * @example
 * ```ts
 * renderBar('verify', 25, 100, 60, '1.2 MiB');
 * // 'verify [#####.............]  25%  25/100  1.2 MiB'
 * renderBar('prune', 2 ** 20, 2 ** 30, 80, '', formatBytes); // '... 1.00 MiB/1.00 GiB'
 * ```
 */
export function renderBar(
  label: string,
  done: number,
  total: number,
  columns: number,
  detail = '',
  format: (n: number) => string = formatCount,
): string {
  const ratio = total > 0 ? Math.min(1, done / total) : 1;
  const percent = `${Math.floor(ratio * 100)}%`.padStart(4);
  const amount = `${format(done)}/${format(total)}`;
  const tail = ` ${percent}  ${amount}${detail ? `  ${detail}` : ''}`;
  // The bar's width from the widest the amount gets, so it does not jitter as digits grow;
  // and the last column left free: writing into it makes some terminals wrap.
  const widest = tail.length - amount.length + 2 * format(total).length + 1;
  const width = Math.max(10, Math.min(40, columns - 1 - label.length - 3 - widest));
  const filled = Math.round(ratio * width);
  return `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}]${tail}`.slice(
    0,
    Math.max(0, columns - 1),
  );
}

/**
 * A progress bar on stderr for long work (verify, prune), drawn only when stderr is a terminal
 * (`io.progress`): logs and pipes get no control characters. Throttled, and erased on `done()`
 * so the command's summary starts on a clean line.
 *
 * @example
 * ```ts
 * const bar = new ProgressBar(io, 'verify', rows.length);
 * for (const row of rows) { check(row); bar.tick(); }
 * bar.done();
 * ```
 */
export class ProgressBar {
  #io: CliIo;
  #label: string;
  #total: number;
  #done = 0;
  #detail = '';
  #drawnAt = 0;
  #drawn = false;
  #format: (n: number) => string;

  /** `unit: 'bytes'` shows amounts as sizes (`1.2 MiB/40 MiB`) instead of counts. */
  constructor(io: CliIo, label: string, total: number, unit: 'count' | 'bytes' = 'count') {
    this.#io = io;
    this.#label = label;
    this.#total = total;
    this.#format = unit === 'bytes' ? formatBytes : formatCount;
  }

  /** Advances by `n` (default 1), with optional trailing text such as bytes so far. */
  tick(n = 1, detail?: string): void {
    this.update(this.#done + n, detail);
  }

  /** Sets the amount done (and the total, when it became known only after the start). */
  update(done: number, detail?: string, total?: number): void {
    this.#done = done;
    if (total !== undefined) this.#total = total;
    if (detail !== undefined) this.#detail = detail;
    if (!this.#io.progress) return;
    const now = performance.now();
    if (now - this.#drawnAt < REDRAW_MS) return;
    this.#drawnAt = now;
    this.#drawn = true;
    const line = renderBar(
      this.#label,
      this.#done,
      this.#total,
      this.#io.columns,
      this.#detail,
      this.#format,
    );
    this.#io.err(`\r${line}\u001b[K`);
  }

  /** Erases the bar. */
  done(): void {
    if (this.#drawn) this.#io.err('\r\u001b[K');
    this.#drawn = false;
  }
}
