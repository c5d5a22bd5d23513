import { describe, expect, it } from 'vitest';
import { deserialize, registerClass, serialize } from '../../src/codec/index.js';
import { KeepsakeError } from '../../src/errors.js';
import { seal, varint } from './helpers/envelope.js';

const DEPTH = 100_000;

/**
 * Round-trips `value`: either it comes back (checked by `verify`) or serialize/deserialize throw
 * a KeepsakeError. A RangeError (stack overflow) or any other error fails the test.
 */
function roundTripOrKeepsakeError(value: unknown, verify: (out: unknown) => void): string {
  let bytes: Uint8Array;
  try {
    bytes = serialize(value);
  } catch (err) {
    if (err instanceof KeepsakeError) return `serialize: ${err.code}`;
    throw new Error(`serialize crashed: ${(err as Error)?.name}: ${(err as Error)?.message}`);
  }
  let out: unknown;
  try {
    out = deserialize(bytes);
  } catch (err) {
    if (err instanceof KeepsakeError) return `deserialize: ${err.code}`;
    throw new Error(`deserialize crashed: ${(err as Error)?.name}: ${(err as Error)?.message}`);
  }
  verify(out);
  return 'round-tripped';
}

function decodeOrKeepsakeError(bytes: Uint8Array): unknown {
  try {
    return deserialize(bytes);
  } catch (err) {
    if (err instanceof KeepsakeError) return err;
    throw new Error(`deserialize crashed: ${(err as Error)?.name}: ${(err as Error)?.message}`);
  }
}

describe(`${DEPTH.toLocaleString('en')}-deep nesting round-trips or throws a KeepsakeError`, () => {
  it('arrays', () => {
    let v: unknown[] = ['bottom'];
    for (let i = 0; i < DEPTH; i++) v = [v];
    const r = roundTripOrKeepsakeError(v, (out) => {
      let cur = out as unknown[];
      for (let i = 0; i < DEPTH; i++) {
        expect(Array.isArray(cur) && cur.length === 1).toBe(true);
        cur = cur[0] as unknown[];
      }
      expect(cur).toEqual(['bottom']);
    });
    expect(r).toMatch(/round-tripped|ERR_TOO_DEEP/);
  });

  it('objects', () => {
    let v: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < DEPTH; i++) v = { a: v };
    const r = roundTripOrKeepsakeError(v, (out) => {
      let cur = out as Record<string, unknown>;
      for (let i = 0; i < DEPTH; i++) cur = cur.a as Record<string, unknown>;
      expect(cur).toEqual({ leaf: 1 });
    });
    expect(r).toMatch(/round-tripped|ERR_TOO_DEEP/);
  });

  it('Maps (nested in values and in keys)', () => {
    let v: Map<unknown, unknown> = new Map();
    for (let i = 0; i < DEPTH; i++) v = new Map([[i % 2 ? 'k' : new Map([[v, 1]]), v]]);
    roundTripOrKeepsakeError(v, (out) => {
      expect(out).toBeInstanceOf(Map);
    });
  });

  it('Sets, null-prototype objects and registered class instances, mixed', () => {
    class Box {
      constructor(public inner: unknown) {}
    }
    registerClass(Box, { name: 'test.deep.Box' });
    let v: unknown = 0;
    for (let i = 0; i < DEPTH; i++) {
      const k = i % 3;
      if (k === 0) v = new Set([v]);
      else if (k === 1) v = Object.assign(Object.create(null) as object, { n: v });
      else v = new Box(v);
    }
    roundTripOrKeepsakeError(v, (out) => {
      expect(out).toBeInstanceOf(Box);
    });
  });

  it('an Error cause chain', () => {
    let e = new Error('root');
    for (let i = 0; i < DEPTH; i++) e = new Error(`e${i}`, { cause: e });
    roundTripOrKeepsakeError(e, (out) => {
      expect(out).toBeInstanceOf(Error);
    });
  });

  it('a deep value refused by serialize does not leave the codec broken', () => {
    let v: unknown[] = [];
    for (let i = 0; i < DEPTH; i++) v = [v];
    try {
      serialize(v);
    } catch {
      // fine either way
    }
    expect(deserialize(serialize({ ok: [1, 2] }))).toEqual({ ok: [1, 2] });
  });
});

describe('crafted deep payloads (a hostile writer) never crash the decoder', () => {
  it('1,000,000 nested one-element arrays', () => {
    const n = 1_000_000;
    const p = new Uint8Array(n + 1);
    p.fill(0x61, 0, n); // fixarray of 1 element
    p[n] = 0x60; // empty array at the bottom
    const r = decodeOrKeepsakeError(seal(p));
    if (r instanceof KeepsakeError) expect(['ERR_TOO_DEEP', 'ERR_CORRUPT']).toContain(r.code);
  });

  it('1,000,000 nested objects of one shape', () => {
    const n = 1_000_000;
    const head = [0x99, ...varint(1), 0x41, 0x61]; // { a: ...
    const p = new Uint8Array(head.length + n + 1);
    p.set(head);
    p.fill(0xc0, head.length, head.length + n); // shape 0 = { a }
    p[head.length + n] = 0x80;
    const r = decodeOrKeepsakeError(seal(p));
    if (r instanceof KeepsakeError) expect(['ERR_TOO_DEEP', 'ERR_CORRUPT']).toContain(r.code);
  });

  it('1,000,000 nested Maps and Sets', () => {
    const n = 500_000;
    const p: number[] = [];
    for (let i = 0; i < n; i++) p.push(0xa0, 0x01, 0x00, 0xa1, 0x01);
    p.push(0x80);
    const r = decodeOrKeepsakeError(seal(Uint8Array.from(p)));
    if (r instanceof KeepsakeError) expect(['ERR_TOO_DEEP', 'ERR_CORRUPT']).toContain(r.code);
  });

  it('a deep array truncated in the middle is ERR_CORRUPT or ERR_TOO_DEEP, not a crash', () => {
    const p = new Uint8Array(200_000).fill(0x61);
    const r = decodeOrKeepsakeError(seal(p));
    expect(r).toBeInstanceOf(KeepsakeError);
  });
});
