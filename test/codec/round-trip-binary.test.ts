import { describe, expect, it } from 'vitest';
import { rt, rtSame } from './helpers/roundtrip.js';

const typedCtors = [
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
] as const;

function bytes(v: ArrayBufferView): number[] {
  return [...new Uint8Array(v.buffer, v.byteOffset, v.byteLength)];
}

describe('binary data', () => {
  it('ArrayBuffer keeps its bytes, empty included', () => {
    const ab = new ArrayBuffer(300);
    new Uint8Array(ab).forEach((_, i, a) => {
      a[i] = (i * 7) & 255;
    });
    const out = rt(ab);
    expect(out).toBeInstanceOf(ArrayBuffer);
    expect(out.byteLength).toBe(300);
    expect([...new Uint8Array(out)]).toEqual([...new Uint8Array(ab)]);
    expect(rt(new ArrayBuffer(0)).byteLength).toBe(0);
  });

  it.each(typedCtors.map((c) => [c.name, c] as const))(
    '%s keeps type, length and bytes',
    (_n, Ctor) => {
      const n = 37;
      const buf = new ArrayBuffer(n * Ctor.BYTES_PER_ELEMENT);
      const u8 = new Uint8Array(buf);
      for (let i = 0; i < u8.length; i++) u8[i] = (i * 131 + 17) & 255;
      const v = new Ctor(buf);
      const out = rt(v);
      expect(Object.getPrototypeOf(out)).toBe(Ctor.prototype);
      expect(out.length).toBe(n);
      expect(bytes(out)).toEqual(bytes(v));
      expect(rt(new Ctor(0)).length).toBe(0);
    },
  );

  it('Float32Array/Float64Array keep -0, NaN, Infinity and subnormals', () => {
    const f32 = new Float32Array([-0, Number.NaN, Number.POSITIVE_INFINITY, -1.5, 1e-45, 3.4e38]);
    const f64 = new Float64Array([-0, Number.NaN, Number.NEGATIVE_INFINITY, 5e-324, Math.PI]);
    const out = rt({ f32, f64 });
    expect(Object.is(out.f32[0], -0)).toBe(true);
    expect(out.f32[1]).toBeNaN();
    expect(Object.is(out.f64[0], -0)).toBe(true);
    expect(out.f64[3]).toBe(5e-324);
    expect(bytes(out.f32)).toEqual(bytes(f32));
    expect(bytes(out.f64)).toEqual(bytes(f64));
  });

  it('BigInt64Array and BigUint64Array keep extreme values', () => {
    const s = new BigInt64Array([-(2n ** 63n), 2n ** 63n - 1n, -1n, 0n]);
    const u = new BigUint64Array([2n ** 64n - 1n, 0n, 1n]);
    const out = rt([s, u]);
    expect([...out[0]!]).toEqual([...s]);
    expect([...out[1]!]).toEqual([...u]);
    expect(out[0]).toBeInstanceOf(BigInt64Array);
    expect(out[1]).toBeInstanceOf(BigUint64Array);
  });

  it('a typed array viewing a slice of a larger buffer keeps exactly its own elements', () => {
    const big = new ArrayBuffer(64);
    const all = new Uint8Array(big);
    for (let i = 0; i < all.length; i++) all[i] = i;
    const view16 = new Uint16Array(big, 6, 5); // bytes 6..15, odd element offset
    const view8 = new Uint8Array(big, 3, 4);
    const f64 = new Float64Array(big, 8, 3);
    const out = rt({ view16, view8, f64 });
    expect(out.view16).toBeInstanceOf(Uint16Array);
    expect(out.view16.length).toBe(5);
    expect([...out.view16]).toEqual([...view16]);
    expect([...out.view8]).toEqual([3, 4, 5, 6]);
    expect(bytes(out.f64)).toEqual(bytes(f64));
    // the loaded view must not expose the rest of the source buffer as its own elements
    expect(out.view8.byteLength).toBe(4);
  });

  it('an unaligned view (odd byteOffset) still works after loading', () => {
    const big = new ArrayBuffer(33);
    new Uint8Array(big).fill(0xab);
    const u8 = new Uint8Array(big, 1, 32);
    const out = rt(u8);
    expect(out.length).toBe(32);
    expect([...out].every((b) => b === 0xab)).toBe(true);
  });

  it('DataView keeps its bytes (and its window into a buffer)', () => {
    const ab = new ArrayBuffer(16);
    const full = new DataView(ab);
    full.setFloat64(0, -0);
    full.setUint32(8, 0xdeadbeef);
    const part = new DataView(ab, 8, 4);
    const out = rt({ full, part });
    expect(out.full).toBeInstanceOf(DataView);
    expect(out.full.byteLength).toBe(16);
    expect(Object.is(out.full.getFloat64(0), -0)).toBe(true);
    expect(out.part.byteLength).toBe(4);
    expect(out.part.getUint32(0)).toBe(0xdeadbeef);
  });

  it('Buffer comes back as a Buffer, including a pooled small Buffer', () => {
    const small = Buffer.from('hello'); // lives inside the shared pool: byteOffset != 0
    const big = Buffer.alloc(100_000, 7);
    const out = rt({ small, big, empty: Buffer.alloc(0) });
    expect(Buffer.isBuffer(out.small)).toBe(true);
    expect(Buffer.isBuffer(out.big)).toBe(true);
    expect(Buffer.isBuffer(out.empty)).toBe(true);
    expect(out.small.toString()).toBe('hello');
    expect(out.small.length).toBe(5);
    expect(out.big.equals(big)).toBe(true);
  });

  it('a plain Uint8Array does not turn into a Buffer', () => {
    const out = rt(new Uint8Array([1, 2, 3]));
    expect(Buffer.isBuffer(out)).toBe(false);
    expect(Object.getPrototypeOf(out)).toBe(Uint8Array.prototype);
  });

  it('the same typed array referenced twice keeps identity', () => {
    const t = new Int32Array([1, 2, 3]);
    const out = rt({ a: t, b: t, ab: new ArrayBuffer(4) });
    expect(out.a).toBe(out.b);
    rtSame({ a: t, b: t });
  });

  it('a 1,000,000-element Float64Array round-trips', () => {
    const f = new Float64Array(1_000_000);
    for (let i = 0; i < f.length; i++) f[i] = Math.sin(i) * 1e6;
    const out = rt(f);
    expect(out.length).toBe(f.length);
    const a = Buffer.from(out.buffer, out.byteOffset, out.byteLength);
    expect(a.equals(Buffer.from(f.buffer))).toBe(true);
  });
});
