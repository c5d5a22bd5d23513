import { describe, expect, it } from 'vitest';
import { hashKey } from '../../src/key/index.js';
import { fixtureValues } from './fixture-values.js';
import expected from './fixtures.json' with { type: 'json' };

describe('hashKey fixtures are stable across processes and versions', () => {
  it('covers every fixture', () => {
    expect(Object.keys(expected).sort()).toEqual(Object.keys(fixtureValues).sort());
  });
  for (const [name, make] of Object.entries(fixtureValues)) {
    it(name, () => {
      expect(hashKey(...make())).toBe((expected as Record<string, string>)[name]);
    });
  }
});
