import type { FastifyInstance, FastifyReply } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_TEXT_BYTES, sendsUnchangedAsString } from '../../plugins/fastify/http-entry.js';
import { customSerializer } from '../../plugins/fastify/reply-from-entry.js';
import { memoryStore, type SyncStore } from '../../src/index.js';
import { appWith, recordingStore } from './helpers.js';

let app: FastifyInstance;
afterEach(() => app?.close());

/** An app caching `GET /r` (answered by `handler`) in a store the test can read back. */
async function cached(handler: (reply: FastifyReply) => unknown) {
  const { store, inner, keys } = recordingStore();
  app = await appWith({ ttl: 60_000, tiers: [store] });
  app.get('/r', { config: { cache: true } }, async (_req, reply) => handler(reply));
  const miss = await app.inject('/r');
  const hit = await app.inject('/r');
  expect(miss.headers['x-cache']).toBe('MISS');
  expect(hit.headers['x-cache']).toBe('HIT');
  const stored = (inner.get(keys[0]!)!.value as { body: Buffer | string }).body;
  return { miss, hit, stored };
}

describe('a hit sends exactly the stored bytes and headers', () => {
  it('a JSON body, kept as a string, with its content-type unchanged', async () => {
    const { miss, hit, stored } = await cached(() => ({ id: 1, name: 'report', ok: true }));
    expect(typeof stored).toBe('string');
    expect(hit.rawPayload.equals(miss.rawPayload)).toBe(true);
    expect(hit.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(hit.headers['content-length']).toBe(miss.headers['content-length']);
    expect(hit.headers.etag).toBe(miss.headers.etag);
  });

  it('a JSON type without a charset stays bytes, so Fastify adds none on the hit', async () => {
    const { miss, hit, stored } = await cached((reply) => {
      reply.type('application/json');
      return Buffer.from('{"a":1}');
    });
    expect(Buffer.isBuffer(stored)).toBe(true);
    expect(miss.headers['content-type']).toBe('application/json');
    expect(hit.headers['content-type']).toBe('application/json');
    expect(hit.body).toBe('{"a":1}');
  });

  it.each([
    ['binary that is not UTF-8', 'application/octet-stream', Buffer.from([0xff, 0, 0xc3, 0x28])],
    ['UTF-8 text beyond ASCII', 'text/plain; charset=utf-8', Buffer.from('héllo жук')],
    ['ASCII over the string limit', 'text/plain', Buffer.alloc(MAX_TEXT_BYTES + 1, 'x')],
  ])('%s stays bytes and round-trips exactly', async (_name, type, body) => {
    const { hit, stored } = await cached((reply) => {
      reply.type(type);
      return Buffer.from(body);
    });
    expect(Buffer.isBuffer(stored)).toBe(true);
    expect(hit.rawPayload.equals(body)).toBe(true);
    expect(hit.headers['content-type']).toBe(type);
    expect(hit.headers['content-length']).toBe(String(body.byteLength));
  });

  it('HEAD and a matching If-None-Match are answered from a string body', async () => {
    const { miss, stored } = await cached(() => ({ doc: 1 }));
    expect(typeof stored).toBe('string');
    const head = await app.inject({ method: 'HEAD', url: '/r' });
    expect(head.statusCode).toBe(200);
    expect(head.headers['x-cache']).toBe('HIT');
    expect(head.headers['content-type']).toBe(miss.headers['content-type']);
    expect(head.headers['content-length']).toBe(miss.headers['content-length']);
    expect(head.body).toBe('');
    for (const method of ['GET', 'HEAD'] as const) {
      const res = await app.inject({
        method,
        url: '/r',
        headers: { 'if-none-match': String(miss.headers.etag) },
      });
      expect(res.statusCode).toBe(304);
      expect(res.body).toBe('');
      expect(res.headers['content-type']).toBeUndefined();
    }
  });

  it('a serializer set by an earlier hook does not serialize the stored body again', async () => {
    app = await appWith({ ttl: 60_000 });
    // As @fastify/accepts-serializer does: a global preHandler, before keepsake's lookup.
    app.addHook('preHandler', (_req, reply, done) => {
      reply.type('text/x-wrapped').serializer((payload) => `[${JSON.stringify(payload)}]`);
      done();
    });
    app.get('/r', { config: { cache: true } }, async () => ({ a: 1 }));
    const miss = await app.inject('/r');
    const hit = await app.inject('/r');
    expect(hit.headers['x-cache']).toBe('HIT');
    expect(miss.body).toBe('[{"a":1}]');
    expect(hit.body).toBe(miss.body);
    expect(hit.headers['content-type']).toBe('text/x-wrapped');
  });

  it('a string body read back from a byte tier (through the codec) is the same', async () => {
    const inner = memoryStore();
    const bytes: SyncStore = {
      name: 'bytes',
      kind: 'bytes',
      sync: true,
      get: (key) => inner.get(key),
      set: (key, entry) => inner.set(key, entry),
      delete: (key) => inner.delete(key),
      clear: (prefix) => inner.clear(prefix),
    };
    app = await appWith({ ttl: 60_000, tiers: [bytes] });
    app.get('/r', { config: { cache: true } }, async () => ({ id: 1, name: 'report' }));
    const miss = await app.inject('/r');
    const hit = await app.inject('/r');
    expect(hit.headers['x-cache']).toBe('HIT');
    expect(hit.rawPayload.equals(miss.rawPayload)).toBe(true);
    expect(hit.headers['content-type']).toBe(miss.headers['content-type']);
    expect(hit.headers['content-length']).toBe(miss.headers['content-length']);
  });

  it('over a real socket, the hit has the miss body bytes and length', async () => {
    app = await appWith({ ttl: 60_000 });
    app.get('/r', { config: { cache: true } }, async () => ({ values: [1, 2, 3], ok: true }));
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    const miss = await fetch(`${address}/r`);
    const missBody = Buffer.from(await miss.arrayBuffer());
    const hit = await fetch(`${address}/r`);
    expect(hit.headers.get('x-cache')).toBe('HIT');
    expect(Buffer.from(await hit.arrayBuffer()).equals(missBody)).toBe(true);
    expect(hit.headers.get('content-length')).toBe(String(missBody.byteLength));
    expect(hit.headers.get('content-type')).toBe(miss.headers.get('content-type'));
  });
});

describe('customSerializer', () => {
  it("finds Fastify's slot: hits send strings unless reply.serializer() was called", async () => {
    app = await appWith();
    const seen: boolean[] = [];
    app.get('/s', async (_req, reply) => {
      seen.push(customSerializer(reply));
      reply.serializer(String);
      seen.push(customSerializer(reply));
      return 'x';
    });
    await app.inject('/s');
    expect(seen).toEqual([false, true]);
  });
});

describe('sendsUnchangedAsString', () => {
  it.each([
    ['application/json; charset=utf-8', true],
    ['application/json;charset=UTF-8', true],
    ['application/problem+json; charset=utf-8', true],
    ['text/html', true],
    ['text/plain; format=flowed', true],
    ['application/json', false],
    ['application/json; charset=utf-8; profile=x', false],
    ['application/json; charset="utf-8"', false],
    ['not a type', false],
    ['a/b/c', false],
    ['', false],
    [undefined, false],
    [['text/plain'], false],
  ] as const)('%j -> %s', (type, expected) => {
    expect(sendsUnchangedAsString(type)).toBe(expected);
  });
});
