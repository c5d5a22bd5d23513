/**
 * Fixture values whose keys are pinned in fixtures.json: if a key changes, every stored entry
 * on disk and in Redis is orphaned, so a change must bump KEY_FORMAT on purpose.
 */
export const fixtureValues: Record<string, () => unknown[]> = {
  undefined: () => [undefined],
  null: () => [null],
  true: () => [true],
  false: () => [false],
  zero: () => [0],
  negativeZero: () => [-0],
  one: () => [1],
  float: () => [Math.PI],
  nan: () => [Number.NaN],
  infinity: () => [Number.NEGATIVE_INFINITY],
  bigint: () => [-(2n ** 70n)],
  stringOne: () => ['1'],
  emptyString: () => [''],
  unicode: () => ['héllo wörld ✓ 😀'],
  loneSurrogate: () => ['\uD800x'],
  array: () => [[1, 'a', [true, null]]],
  // biome-ignore lint/suspicious/noSparseArray: a hole on purpose
  sparseArray: () => [[, 1]],
  object: () => [{ b: 1, a: { c: [1, 2] } }],
  nullProto: () => [Object.assign(Object.create(null), { a: 1 })],
  map: () => [
    new Map<unknown, unknown>([
      ['x', 1],
      [{ k: 1 }, [2]],
    ]),
  ],
  set: () => [new Set([3, 'three', 3n])],
  date: () => [new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6))],
  regexp: () => [/a+b/giu],
  bytes: () => [new Uint8Array([0, 1, 2, 255])],
  float64Array: () => [new Float64Array([1.5, -2])],
  buffer: () => [Buffer.from('keepsake')],
  arrayBuffer: () => [new Uint16Array([1, 258]).buffer],
  largeBytes: () => [new Uint8Array(300_000).map((_, i) => i % 251)],
  boxed: () => [new Number(1), Object(1n)],
  error: () => [new RangeError('bad', { cause: 'x' })],
  cycle: () => {
    const a: Record<string, unknown> = { name: 'a' };
    a.self = a;
    return [a];
  },
  manyParts: () => [1, '1', 1n, true, [1], { 1: 1 }],
  shapeC: () => [{ userId: 42, filters: { tags: ['a', 'b'], since: 1_700_000_000_000 }, page: 3 }],
};
