import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deserialize, serialize } from '../../src/codec/index.js';
import { KeepsakeError } from '../../src/errors.js';
import { FLAG_NO_REFS, payloadOf, seal, varint } from './helpers/envelope.js';
import { diff } from './helpers/equal.js';

const sample = {
  n: [1, -0, 1.5, 2n ** 70n, Number.NaN],
  s: 'héllo \uD800 😀',
  m: new Map<unknown, unknown>([[{ k: 1 }, new Set([new Date(0), /x/g])]]),
  // biome-ignore lint/suspicious/noSparseArray: holes on purpose
  a: [1, , 3],
  b: Buffer.from('buf'),
  t: new Float32Array([1, 2]),
  e: new RangeError('r', { cause: 'c' }),
  np: Object.assign(Object.create(null) as object, { z: 1 }),
};
const validBlobs = [
  serialize(sample),
  serialize(sample, { compress: 'gzip' }),
  serialize(sample, { compress: 'brotli' }),
  serialize(sample, { compress: 'deflate' }),
  serialize([1, 'a', null]),
  serialize(0),
];

function protoSnapshot(): string {
  const names = (o: object): string =>
    Reflect.ownKeys(o)
      .map((k) => String(k))
      .sort()
      .join(',');
  return [Object.prototype, Array.prototype, Function.prototype, Map.prototype, Error.prototype]
    .map(names)
    .join('|');
}

/** Decoding hostile bytes: returns normally or throws a KeepsakeError; bounded in time. */
function decodeSafely(bytes: Uint8Array): unknown {
  const before = protoSnapshot();
  const t0 = performance.now();
  let result: unknown;
  try {
    result = deserialize(bytes);
  } catch (err) {
    if (!(err instanceof KeepsakeError)) {
      const e = err as Error;
      throw new Error(`non-KeepsakeError thrown: ${e?.constructor?.name}: ${e?.message}`, {
        cause: err,
      });
    }
    result = err;
  }
  const ms = performance.now() - t0;
  if (ms > 2000) throw new Error(`decoding ${bytes.length} bytes took ${ms.toFixed(0)} ms`);
  if (protoSnapshot() !== before) throw new Error('a built-in prototype was modified');
  if (({} as Record<string, unknown>).polluted !== undefined)
    throw new Error('Object.prototype polluted');
  return result;
}

type Mutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; count: number }
  | { kind: 'set'; at: number; byte: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    kind: fc.constant('flip' as const),
    at: fc.nat(),
    bit: fc.integer({ min: 0, max: 7 }),
  }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }),
  }),
  fc.record({
    kind: fc.constant('delete' as const),
    at: fc.nat(),
    count: fc.integer({ min: 1, max: 8 }),
  }),
  fc.record({
    kind: fc.constant('set' as const),
    at: fc.nat(),
    byte: fc.integer({ min: 0, max: 255 }),
  }),
);

function mutate(src: Uint8Array, ms: Mutation[]): Uint8Array {
  let b = Uint8Array.from(src);
  for (const m of ms) {
    const at = b.length === 0 ? 0 : m.at % b.length;
    if (m.kind === 'flip' && b.length > 0) b[at]! ^= 1 << m.bit;
    else if (m.kind === 'set' && b.length > 0) b[at] = m.byte;
    else if (m.kind === 'truncate') b = b.slice(0, at);
    else if (m.kind === 'insert')
      b = Uint8Array.from([...b.subarray(0, at), ...m.bytes, ...b.subarray(at)]);
    else if (m.kind === 'delete')
      b = Uint8Array.from([...b.subarray(0, at), ...b.subarray(at + m.count)]);
  }
  return b;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a).equals(Buffer.from(b));
}

describe('property: hostile bytes only ever throw KeepsakeError', () => {
  it('random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        decodeSafely(bytes);
      }),
      { numRuns: 2000 },
    );
  });

  it('random bytes after a valid magic and format byte', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (rest) => {
        decodeSafely(Uint8Array.from([0xcb, 0x4b, 0x53, 0x4b, 1, ...rest]));
      }),
      { numRuns: 2000 },
    );
  });

  it('mutated valid blobs throw or give back exactly the original (never a wrong value)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: validBlobs.length - 1 }),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        (which, ms) => {
          const src = validBlobs[which]!;
          const bad = mutate(src, ms);
          const r = decodeSafely(bad);
          if (!(r instanceof KeepsakeError) && !sameBytes(bad, src)) {
            // decoding succeeded on changed bytes: only acceptable if it encodes the same value
            const d = diff(deserialize(src), r);
            if (d !== null) throw new Error(`mutated blob decoded to a wrong value: ${d}`);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('random payloads with a valid checksum (fuzzing the value decoder itself)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.boolean(), (payload, noRefs) => {
        decodeSafely(seal(payload, noRefs ? FLAG_NO_REFS : 0));
      }),
      { numRuns: 3000 },
    );
  });

  it('mutated valid payloads re-sealed with a valid checksum', () => {
    const payloads = [serialize(sample), serialize([1, 'a', { b: [new Map([[1, 2]])] }])].map((b) =>
      payloadOf(b).slice(),
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: payloads.length - 1 }),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        (which, ms, noRefs) => {
          decodeSafely(seal(mutate(payloads[which]!, ms), noRefs ? FLAG_NO_REFS : 0));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('random bytes inside a compressed envelope', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 200 }),
        fc.integer({ min: 1, max: 3 }),
        (payload, flags) => {
          decodeSafely(seal(payload, flags));
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('declared lengths are checked against what remains', () => {
  const huge = 2 ** 32 - 1;
  const cases: Array<[string, number[]]> = [
    ['str32 of 4 GB', [0x92, 0xff, 0xff, 0xff, 0xff]],
    ['utf16 of 2^40 units', [0x93, ...varint(2 ** 40)]],
    ['array of 4e9 elements', [0x98, ...varint(4e9)]],
    ['array of 2^32-1 elements, then nothing', [0x98, ...varint(huge)]],
    ['array of 2^60 elements', [0x98, ...varint(2n ** 60n)]],
    ['object with 2^32 keys', [0x99, ...varint(2 ** 32)]],
    ['Map with 2^32 entries', [0xa0, ...varint(2 ** 32)]],
    ['Set with 2^32 members', [0xa1, ...varint(2 ** 32)]],
    ['BigInt of 2^32 bytes', [0xa5, 0x00, ...varint(2 ** 32)]],
    ['ArrayBuffer of 4 GB', [0xa8, ...varint(huge)]],
    ['typed array of 4 GB', [0xa9, 0x08, ...varint(huge)]],
    ['typed array of odd byte length', [0xa9, 0x08, ...varint(3), 1, 2, 3]],
    ['DataView of 4 GB', [0xaa, ...varint(huge)]],
    ['Buffer of 4 GB', [0xab, ...varint(huge)]],
    ['holes count 2^50 in a 2-element array', [0x98, ...varint(2), 0x85, ...varint(2 ** 50)]],
    ['REF to an id never defined', [0x98, ...varint(1), 0xb8, ...varint(2 ** 32)]],
    ['known shape id never defined', [0x9a, ...varint(99)]],
    ['class ref to an id never defined', [0xac, ...varint(50)]],
    [
      'overlong varint',
      [0x98, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01],
    ],
    ['unknown tag', [0xff]],
    ['nothing at all', []],
    ['two values where one is expected', [0x01, 0x02]],
  ];

  it.each(cases)('%s: throws ERR_CORRUPT/ERR_FORMAT fast without allocating', (_name, payload) => {
    const rss0 = process.memoryUsage().rss;
    const t0 = performance.now();
    let err: unknown;
    try {
      deserialize(seal(Uint8Array.from(payload)));
    } catch (e) {
      err = e;
    }
    expect(performance.now() - t0).toBeLessThan(500);
    expect(process.memoryUsage().rss - rss0).toBeLessThan(64 * 1024 * 1024);
    expect(err).toBeInstanceOf(KeepsakeError);
    expect(['ERR_CORRUPT', 'ERR_FORMAT']).toContain((err as KeepsakeError).code);
  });

  it('an envelope whose length field claims 4 GB in a 20-byte input', () => {
    const blob = seal(new Uint8Array(0));
    new DataView(blob.buffer).setUint32(16, 0xffffffff, true);
    const t0 = performance.now();
    expect(() => deserialize(blob)).toThrow(KeepsakeError);
    expect(performance.now() - t0).toBeLessThan(200);
  });

  it('a compressed envelope declaring a 4 GB raw length is refused fast', () => {
    const deflated = gzipSync(Buffer.from([0x01]));
    for (const flags of [1, 2, 3]) {
      const t0 = performance.now();
      expect(() =>
        deserialize(seal(Uint8Array.from([...varint(2 ** 32 - 1), ...deflated]), flags)),
      ).toThrow(KeepsakeError);
      expect(() =>
        deserialize(seal(Uint8Array.from([...varint(2n ** 62n), ...deflated]), flags)),
      ).toThrow(KeepsakeError);
      expect(performance.now() - t0).toBeLessThan(500);
    }
  });

  it('a decompression bomb (200 MB of zeros declared as 16 bytes) is refused without inflating it', () => {
    const bomb = gzipSync(Buffer.alloc(200 * 1024 * 1024), { level: 1 });
    const blob = seal(Uint8Array.from([...varint(16), ...bomb]), 1);
    const rss0 = process.memoryUsage().rss;
    const err = (() => {
      try {
        deserialize(blob);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(KeepsakeError);
    expect((err as KeepsakeError).code).toBe('ERR_CORRUPT');
    expect(process.memoryUsage().rss - rss0).toBeLessThan(100 * 1024 * 1024);
  });
});
