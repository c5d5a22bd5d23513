import { expect } from 'vitest';
import { KeepsakeError, type KeepsakeErrorCode } from '../../../src/errors.js';

/** Runs `fn`, which must throw a KeepsakeError with one of `codes`; returns the error. */
export function expectThrowsCode(fn: () => unknown, ...codes: KeepsakeErrorCode[]): KeepsakeError {
  let thrown: unknown;
  let returned: unknown;
  let didThrow = false;
  try {
    returned = fn();
  } catch (err) {
    didThrow = true;
    thrown = err;
  }
  if (!didThrow) {
    throw new Error(`expected a KeepsakeError ${codes.join('|')}, got a value: ${safe(returned)}`);
  }
  return checkError(thrown, codes);
}

/** Awaits `p`, which must reject with a KeepsakeError with one of `codes`; returns the error. */
export async function expectRejectsCode(
  p: Promise<unknown> | (() => Promise<unknown>),
  ...codes: KeepsakeErrorCode[]
): Promise<KeepsakeError> {
  let thrown: unknown;
  let didThrow = false;
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (err) {
    didThrow = true;
    thrown = err;
  }
  if (!didThrow) throw new Error(`expected a rejection with ${codes.join('|')}`);
  return checkError(thrown, codes);
}

function checkError(thrown: unknown, codes: KeepsakeErrorCode[]): KeepsakeError {
  if (!(thrown instanceof KeepsakeError)) {
    const e = thrown as Error;
    throw new Error(
      `expected a KeepsakeError ${codes.join('|')}, got ${e?.constructor?.name}: ${e?.message}`,
      { cause: thrown },
    );
  }
  expect(codes, `code was ${thrown.code}: ${thrown.message}`).toContain(thrown.code);
  return thrown;
}

function safe(v: unknown): string {
  try {
    return typeof v === 'bigint' ? `${v}n` : String(JSON.stringify(v))?.slice(0, 200);
  } catch {
    return String(v);
  }
}
