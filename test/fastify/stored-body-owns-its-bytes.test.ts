import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { appWith, recordingStore } from './helpers.js';

let app: FastifyInstance;
afterEach(() => app?.close());

// Bodies here are not short ASCII, which would be kept as a string of its own instead.
async function storedBody(path: string, handler: () => unknown): Promise<Buffer> {
  const { store, inner, keys } = recordingStore();
  app = await appWith({ ttl: 60_000, tiers: [store] });
  app.get(path, { config: { cache: true } }, async (_req, reply) => {
    reply.type('text/plain');
    return handler();
  });
  await app.inject(path);
  expect(keys).toHaveLength(1);
  return (inner.get(keys[0]!)!.value as { body: Buffer }).body;
}

describe('a stored body owns its bytes', () => {
  it.each([
    ['a short string', () => 'short ж'],
    ['a view into a larger buffer', () => Buffer.alloc(64 * 1024, 0xff).subarray(10, 20)],
    ['a short stream', () => Readable.from(['ж', 'б'])],
  ])('%s is not kept on a shared or larger buffer', async (_name, handler) => {
    const body = await storedBody('/b', handler);
    expect(Buffer.isBuffer(body)).toBe(true);
    expect(body.buffer.byteLength).toBe(body.byteLength);
  });

  it('a buffer the handler writes again later does not change the stored response', async () => {
    const scratch = Buffer.from('first ж');
    await storedBody('/b', () => scratch);
    scratch.write('later');
    const hit = await app.inject('/b');
    expect(hit.headers['x-cache']).toBe('HIT');
    expect(hit.body).toBe('first ж');
  });
});
