import { expect } from 'vitest';

/** The record the append-loop helper writes at index i (keep in sync with append-loop.ts). */
export function recordFor(i: number): { i: number; body: string; bytes: Uint8Array } {
  return {
    i,
    body: `record-${i};`.repeat(50 + (i % 200)),
    bytes: new Uint8Array(i % 5000).fill(i & 255),
  };
}

/** Checks that `r` is exactly recordFor(expectedIndex). */
export function expectRecord(r: unknown, expectedIndex: number): void {
  const o = r as ReturnType<typeof recordFor>;
  expect(o.i).toBe(expectedIndex);
  expect(o.body).toBe(`record-${expectedIndex};`.repeat(50 + (expectedIndex % 200)));
  expect(o.bytes.length).toBe(expectedIndex % 5000);
  const want = expectedIndex & 255;
  expect(o.bytes.every((b) => b === want)).toBe(true);
}

/** Drains an async iterator into an array; returns what was yielded and what was thrown. */
export async function drain<T>(it: AsyncIterable<T>): Promise<{ values: T[]; error: unknown }> {
  const values: T[] = [];
  try {
    for await (const v of it) values.push(v);
  } catch (error) {
    return { values, error };
  }
  return { values, error: undefined };
}
