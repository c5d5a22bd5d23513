import { describe, expect, it } from 'vitest';
import { CliError } from '../../src/cli/cli-error.js';
import {
  ellipsize,
  formatAgo,
  formatBytes,
  formatDuration,
  parseBytes,
  parseDuration,
  table,
} from '../../src/cli/format.js';
import { renderBar } from '../../src/cli/progress.js';

describe('cli formatting', () => {
  it('parses human sizes: SI for KB/MB/GB, binary for KiB/MiB/GiB and k/m/g', () => {
    expect(parseBytes('1234', '--max-bytes')).toBe(1234);
    expect(parseBytes('500MB', '--max-bytes')).toBe(500_000_000);
    expect(parseBytes('1GB', '--max-bytes')).toBe(1_000_000_000);
    expect(parseBytes('1GiB', '--max-bytes')).toBe(1024 ** 3);
    expect(parseBytes('1.5 mib', '--max-bytes')).toBe(1.5 * 1024 ** 2);
    expect(parseBytes('2g', '--max-bytes')).toBe(2 * 1024 ** 3);
    for (const bad of ['', 'lots', '1XB', '-5MB', '1e9', '5constructor', '1toString']) {
      expect(() => parseBytes(bad, '--max-bytes')).toThrow(CliError);
    }
  });

  it('parses durations', () => {
    expect(parseDuration('250', '--orphan-age')).toBe(250);
    expect(parseDuration('30s', '--orphan-age')).toBe(30_000);
    expect(parseDuration('10m', '--orphan-age')).toBe(600_000);
    expect(() => parseDuration('soon', '--orphan-age')).toThrow(CliError);
    expect(() => parseDuration('3valueOf', '--orphan-age')).toThrow(CliError);
  });

  it('formats sizes, durations and relative times', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1536)).toBe('1.50 KiB');
    expect(formatBytes(300 * 1024 ** 2)).toBe('300 MiB');
    expect(formatBytes(3 * 1024 ** 3)).toBe('3.00 GiB');
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(245_000)).toBe('4m 05s');
    expect(formatAgo(1_000, 91_000)).toBe('1m ago');
    expect(formatAgo(7_201_000, 1_000)).toBe('in 2h');
    expect(ellipsize('abcdefghij', 7)).toBe('abc…hij');
  });

  it('lays out tables with numbers on the right and no trailing spaces', () => {
    const text = table(
      [{ title: 'KEY' }, { title: 'SIZE', right: true }, { title: 'TAGS' }],
      [
        ['a', '1 B', ''],
        ['long-key', '10 KiB', 'x'],
      ],
    );
    expect(text.split('\n')).toEqual([
      'KEY         SIZE  TAGS',
      'a            1 B',
      'long-key  10 KiB  x',
    ]);
  });

  it('draws a progress bar that fits the terminal', () => {
    const line = renderBar('verify', 25, 100, 60, '1 MiB');
    expect(line).toContain('25%');
    expect(line).toContain('25/100');
    expect(line.length).toBeLessThan(60);
    expect(renderBar('prune', 5, 0, 80)).toContain('100%');
  });
});
