import { gunzipSync } from 'node:zlib';
import compress from '@fastify/compress';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import keepsakeFastify from '../../plugins/fastify/index.js';
import { recordingStore } from './helpers.js';

let app: FastifyInstance;
afterEach(() => app?.close());

const BODY = { text: 'compress me '.repeat(200) };

describe.each([
  ['keepsake registered first', true],
  ['@fastify/compress registered first', false],
])('beside @fastify/compress (%s)', (_name, keepsakeFirst) => {
  async function setup() {
    const { store, inner, keys } = recordingStore();
    app = Fastify();
    if (keepsakeFirst) {
      await app.register(keepsakeFastify, { ttl: 60_000, tiers: [store] });
      await app.register(compress, { global: true, threshold: 10 });
    } else {
      await app.register(compress, { global: true, threshold: 10 });
      await app.register(keepsakeFastify, { ttl: 60_000, tiers: [store] });
    }
    let calls = 0;
    app.get('/big', { config: { cache: true } }, async () => {
      calls++;
      return BODY;
    });
    return { inner, keys, calls: () => calls };
  }

  it('stores the uncompressed body once and compresses each response once', async () => {
    const { inner, keys, calls } = await setup();
    const gz = await app.inject({ url: '/big', headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(String(gz.headers.vary).toLowerCase()).toContain('accept-encoding');
    expect(JSON.parse(gunzipSync(gz.rawPayload).toString())).toEqual(BODY);

    const plain = await app.inject({ url: '/big', headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers['x-cache']).toBe('HIT');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.json()).toEqual(BODY);

    const gzHit = await app.inject({ url: '/big', headers: { 'accept-encoding': 'gzip' } });
    expect(gzHit.headers['x-cache']).toBe('HIT');
    expect(gzHit.headers['content-encoding']).toBe('gzip');
    // Decompressing once gives the JSON: it was not compressed twice.
    expect(JSON.parse(gunzipSync(gzHit.rawPayload).toString())).toEqual(BODY);
    expect(calls()).toBe(1);

    // One entry, holding the uncompressed JSON.
    expect(keys).toHaveLength(1);
    const entry = inner.get(keys[0]!)?.value as { body: Buffer };
    expect(JSON.parse(entry.body.toString())).toEqual(BODY);
  });
});
