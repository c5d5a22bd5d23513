import { describe, expect, it } from 'vitest';
import { hashKey, MAX_DEPTH } from '../../src/key/index.js';

function ring(n: number, start: number): Record<string, unknown> {
  const nodes = Array.from(
    { length: n },
    (_, i) => ({ id: (i + start) % n }) as Record<string, unknown>,
  );
  nodes.forEach((node, i) => {
    node.next = nodes[(i + 1) % n];
  });
  return nodes[0]!;
}

describe('cycles and deep values', () => {
  it('structurally equal cyclic graphs hash equal', () => {
    expect(hashKey(ring(3, 0))).toBe(hashKey(ring(3, 0)));
    expect(hashKey(ring(3, 0))).not.toBe(hashKey(ring(3, 1)));
    expect(hashKey(ring(3, 0))).not.toBe(hashKey(ring(4, 0)));
  });

  it('handles self-containing Maps, Sets and arrays in any insertion order', () => {
    const a = new Map<string, unknown>();
    a.set('x', 1).set('me', a);
    const b = new Map<string, unknown>();
    b.set('me', b).set('x', 1);
    expect(hashKey(a)).toBe(hashKey(b));
    const arr: unknown[] = [1];
    arr.push(arr);
    const s = new Set<unknown>([arr]);
    s.add(s);
    expect(hashKey(s)).toBe(hashKey(s));
  });

  it('throws ERR_TOO_DEEP past MAX_DEPTH instead of overflowing the stack', () => {
    let deep: unknown = 0;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(() => hashKey(deep)).toThrow(expect.objectContaining({ code: 'ERR_TOO_DEEP' }));
    let ok: unknown = 0;
    for (let i = 0; i < MAX_DEPTH - 1; i++) ok = { v: ok };
    expect(hashKey(ok)).toMatch(/^[0-9a-f]{32}$/);
  });

  it('recovers after a throw and is safe when called re-entrantly', () => {
    expect(() => hashKey({ a: [Symbol('x')] })).toThrow();
    const before = hashKey({ a: 1 });
    const tricky = {
      get g() {
        return hashKey({ inner: true });
      },
    };
    expect(hashKey(tricky)).toBe(hashKey({ g: hashKey({ inner: true }) }));
    expect(hashKey({ a: 1 })).toBe(before);
  });
});
