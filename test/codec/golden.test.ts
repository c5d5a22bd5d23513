import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { deserialize } from '../../src/codec/index.js';
import { goldenFiles, goldenValues, registerGoldenTypes } from '../fixtures/codec-values.js';
import { diff } from './helpers/equal.js';

// Committed blobs of format 1 must keep decoding to the same values in every later keepsake
// and Node version. This test only reads them: it never regenerates them.
const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'codec-v1');
const GENERATE = 'node --import tsx test/fixtures/generate-codec-fixtures.ts';

registerGoldenTypes();

describe('golden blobs of format 1 still decode', () => {
  it('the fixture files exist', () => {
    const missing = goldenFiles.filter((f) => !existsSync(join(dir, f.file))).map((f) => f.file);
    expect(
      missing,
      `golden fixtures missing in test/fixtures/codec-v1: run \`${GENERATE}\` once and commit the files`,
    ).toEqual([]);
  });

  it('every committed blob belongs to a known value', () => {
    const known = new Set(goldenFiles.map((f) => f.file));
    const present = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.bin')) : [];
    expect(present.filter((f) => !known.has(f))).toEqual([]);
  });

  it.each(goldenFiles)('$file decodes to its value', ({ file, value }) => {
    const path = join(dir, file);
    if (!existsSync(path)) {
      throw new Error(
        `missing golden fixture ${file}: run \`${GENERATE}\` once and commit the files`,
      );
    }
    const bytes = new Uint8Array(readFileSync(path));
    const out = deserialize(bytes);
    const d = diff(goldenValues[value]!(), out);
    expect(d, `${file}: ${d}`).toBeNull();
  });
});
