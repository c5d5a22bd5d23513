import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { deserialize, registerClass, serialize } from '../../src/codec/index.js';
import { expectThrowsCode } from './helpers/errors.js';

// deserialize keeps one released decoder between calls (see decodePayload): these check that
// it carries nothing from one payload into the next, and retains nothing once released.

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

class Envelope {
  constructor(readonly inner: unknown) {}
}
registerClass(Envelope, {
  name: 'test.decoderReuse.Envelope',
  // A decode inside a decode: fromState reads a nested payload while the outer one is open.
  toState: (e) => serialize(e.inner),
  fromState: (bytes) => new Envelope(deserialize(bytes as Uint8Array)),
});

class Fragile {
  constructor(readonly fail: boolean) {}
}
registerClass(Fragile, {
  name: 'test.decoderReuse.Fragile',
  toState: (f) => ({ fail: f.fail }),
  fromState: (state) => {
    if ((state as { fail: boolean }).fail) throw new Error('cannot rebuild');
    return new Fragile(false);
  },
});

describe('deserialize reuses its decoder without leaking state between payloads', () => {
  it('a decode started from inside a decode gets its own decoder', () => {
    const shared = { id: 7 };
    const value = {
      before: shared,
      wrapped: new Envelope({ x: [1, 2], y: shared }),
      after: shared,
    };
    const out = deserialize(serialize(value)) as typeof value;
    expect(out.before).toBe(out.after);
    expect(out.wrapped).toBeInstanceOf(Envelope);
    expect(out.wrapped.inner).toEqual({ x: [1, 2], y: { id: 7 } });
    // The nested payload is its own graph: no reference crosses into the outer one.
    expect((out.wrapped.inner as { y: unknown }).y).not.toBe(out.before);
  });

  it('shapes and references of one payload are unknown to the next', () => {
    const first = serialize([
      { a: 1, b: 2 },
      { a: 3, b: 4 },
    ]);
    expect(deserialize(first)).toEqual([
      { a: 1, b: 2 },
      { a: 3, b: 4 },
    ]);
    // The second payload's shape ids restart at 0 and must name its own keys.
    expect(deserialize(serialize([{ z: 'z' }, { z: 'y' }]))).toEqual([{ z: 'z' }, { z: 'y' }]);
  });

  it('a corrupt payload leaves the next decode unharmed', () => {
    const good = serialize({ list: [{ k: 1 }, { k: 2 }], when: new Date(0) });
    const bad = Uint8Array.from(good);
    bad[bad.length - 3]! ^= 0xff;
    expectThrowsCode(() => deserialize(bad), 'ERR_CORRUPT');
    expect(deserialize(good)).toEqual({ list: [{ k: 1 }, { k: 2 }], when: new Date(0) });
  });

  it('a decode that fails halfway leaves nothing for the next one to find', () => {
    // Valid checksum, so the decoder itself runs: shapes and references are read, then
    // fromState throws. The next payload's shape 0 and object 0 must be its own.
    const failing = serialize([{ a: 1, b: 2 }, { a: 3, b: 4 }, new Fragile(true)]);
    expectThrowsCode(() => deserialize(failing), 'ERR_MIGRATION');
    const shared = { z: 1 };
    const next = deserialize(serialize([{ q: 'x' }, shared, shared])) as unknown[];
    expect(next).toEqual([{ q: 'x' }, { z: 1 }, { z: 1 }]);
    expect(next[1]).toBe(next[2]);
  });

  it('retains neither the value nor its bytes once the caller lets go', async () => {
    const refs = (() => {
      const bytes = Uint8Array.from(
        serialize({ rows: Array.from({ length: 1000 }, (_, i) => ({ i })) }),
      );
      const value = deserialize(bytes);
      return { value: new WeakRef(value as object), bytes: new WeakRef(bytes.buffer) };
    })();
    // A WeakRef keeps its target for the rest of the job that made it: collect after a turn.
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    expect(refs.value.deref()).toBeUndefined();
    expect(refs.bytes.deref()).toBeUndefined();
  });
});
