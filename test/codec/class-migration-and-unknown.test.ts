import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deserialize, registerClass, serialize } from '../../src/codec/index.js';
import { runHelper } from './helpers/child.js';
import { expectThrowsCode } from './helpers/errors.js';

// Blobs written by another process whose registry differs from this one's.
const dir = join(tmpdir(), `keepsake-codec-mig-${process.pid}-${Date.now()}`);
const blobs: Record<string, Uint8Array> = {};

async function writeInChild(key: string, args: string[]): Promise<void> {
  const file = join(dir, `${key}.bin`);
  const res = await runHelper('serialize-registered.ts', [args[0]!, file, ...args.slice(1)]);
  if (res.code !== 0) throw new Error(`child failed: ${res.stderr}`);
  blobs[key] = new Uint8Array(await readFile(file));
}

beforeAll(async () => {
  const { mkdir } = await import('node:fs/promises');
  await mkdir(dir, { recursive: true });
  await Promise.all([
    writeInChild('ghost', ['class', 'child.Ghost', '1', '{"a":1,"nested":{"b":[1,2]}}']),
    writeInChild('fn', ['function', 'child.ghostFn']),
    writeInChild('pointV1', ['class', 'mig.Point', '1', '{"x":5}']),
    writeInChild('pointV2', ['class', 'mig.Point', '2', '{"x":5,"y":7}']),
    writeInChild('gapV1', ['class', 'mig.Gap', '1', '{"x":1}']),
    writeInChild('gapV2', ['class', 'mig.Gap', '2', '{"x":1}']),
    writeInChild('customV1', ['class', 'mig.Custom', '1', '{"celsius":100}']),
    writeInChild('strictV1', ['class', 'mig.Strict', '1', '{"x":-1}']),
  ]);
}, 60_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('unknown classes and functions on load', () => {
  it('an unregistered class name is ERR_UNKNOWN_CLASS', () => {
    expectThrowsCode(() => deserialize(blobs.ghost!), 'ERR_UNKNOWN_CLASS');
    expectThrowsCode(
      () => deserialize(blobs.ghost!, { unknownClass: 'error' }),
      'ERR_UNKNOWN_CLASS',
    );
  });

  it("unknownClass: 'plain' gives a plain object holding the state, identity kept", () => {
    const out = deserialize<{ item: Record<string, unknown>; again: unknown; other: string }>(
      blobs.ghost!,
      { unknownClass: 'plain' },
    );
    expect(Object.getPrototypeOf(out.item)).toBe(Object.prototype);
    expect(out.item).toMatchObject({ a: 1, nested: { b: [1, 2] } });
    expect(out.again).toBe(out.item);
    expect(out.other).toBe('kept');
  });

  it('an unknown unknownClass option is ERR_OPTIONS', () => {
    expectThrowsCode(
      () => deserialize(blobs.ghost!, { unknownClass: 'drop' as 'plain' }),
      'ERR_OPTIONS',
    );
  });

  it('a registered function missing on load is ERR_UNKNOWN_FUNCTION', () => {
    expectThrowsCode(() => deserialize(blobs.fn!), 'ERR_UNKNOWN_FUNCTION');
  });
});

describe('migrate chain', () => {
  class Point {
    x = 0;
    y = 0;
    z = 0;
  }
  const calls: string[] = [];
  registerClass(Point, {
    name: 'mig.Point',
    version: 3,
    migrate: {
      1: (s: { x: number }) => {
        calls.push('1->2');
        return { ...s, y: 0 };
      },
      2: (s: { x: number; y: number }) => {
        calls.push('2->3');
        return { ...s, z: s.x + s.y };
      },
    },
  });

  class Gap {}
  registerClass(Gap, { name: 'mig.Gap', version: 3, migrate: { 2: (s: object) => s } });

  class Custom {
    constructor(public kelvin: number) {}
  }
  registerClass(Custom, {
    name: 'mig.Custom',
    version: 2,
    toState: (c) => ({ kelvin: c.kelvin }),
    fromState: (s) => new Custom((s as { kelvin: number }).kelvin),
    migrate: { 1: (s: { celsius: number }) => ({ kelvin: s.celsius + 273.15 }) },
  });

  it('a v1 state runs 1->2->3 in order, a v2 state runs only 2->3', () => {
    calls.length = 0;
    const v1 = deserialize<{ item: Point; again: Point }>(blobs.pointV1!);
    expect(calls).toEqual(['1->2', '2->3']);
    expect(v1.item).toBeInstanceOf(Point);
    expect({ ...v1.item }).toEqual({ x: 5, y: 0, z: 5 });
    expect(v1.again).toBe(v1.item);

    calls.length = 0;
    const v2 = deserialize<{ item: Point }>(blobs.pointV2!);
    expect(calls).toEqual(['2->3']);
    expect({ ...v2.item }).toEqual({ x: 5, y: 7, z: 12 });
  });

  it('a current-version state runs no migration', () => {
    calls.length = 0;
    const p = Object.assign(new Point(), { x: 1, y: 2, z: 3 });
    const out = deserialize<Point>(serialize(p));
    expect(calls).toEqual([]);
    expect({ ...out }).toEqual({ x: 1, y: 2, z: 3 });
  });

  it('fromState receives the migrated state', () => {
    const out = deserialize<{ item: Custom }>(blobs.customV1!);
    expect(out.item).toBeInstanceOf(Custom);
    expect(out.item.kelvin).toBeCloseTo(373.15);
  });

  class Strict {
    constructor(readonly x: number) {}
  }
  registerClass(Strict, {
    name: 'mig.Strict',
    version: 2,
    toState: (o) => ({ x: o.x }),
    fromState: (s) => {
      if ((s as { x: number }).x === 0) throw new TypeError('x must not be 0');
      return new Strict((s as { x: number }).x);
    },
    migrate: {
      1: (s: { x: number }) => {
        if (s.x < 0) throw new RangeError('negative x');
        return s;
      },
    },
  });

  it('a migrate step or fromState that throws is ERR_MIGRATION with its error, not ERR_CORRUPT', () => {
    const migrating = expectThrowsCode(() => deserialize(blobs.strictV1!), 'ERR_MIGRATION');
    expect(migrating.message).toContain('mig.Strict');
    expect(migrating.message).toContain('migrate[1]');
    expect(migrating.cause).toBeInstanceOf(RangeError);
    const building = expectThrowsCode(() => deserialize(serialize(new Strict(0))), 'ERR_MIGRATION');
    expect(building.message).toContain('fromState');
    expect(building.cause).toBeInstanceOf(TypeError);
    expect(deserialize<Strict>(serialize(new Strict(2))).x).toBe(2);
  });

  it('a missing step is ERR_MIGRATION; the steps that exist still work', () => {
    expectThrowsCode(() => deserialize(blobs.gapV1!), 'ERR_MIGRATION');
    const out = deserialize<{ item: Gap }>(blobs.gapV2!);
    expect(out.item).toBeInstanceOf(Gap);
  });
});
