import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { appWith, deferred } from './helpers.js';

let app: FastifyInstance;
afterEach(() => app?.close());

describe('stream bodies', () => {
  it('are buffered up to maxBodyBytes and stored', async () => {
    app = await appWith({ ttl: 60_000 });
    let calls = 0;
    app.get('/s', { config: { cache: true } }, async (_req, reply) => {
      calls++;
      reply.type('text/plain');
      return Readable.from(['chunk1-', 'chunk2-', 'chunk3']);
    });
    expect((await app.inject('/s')).body).toBe('chunk1-chunk2-chunk3');
    const hit = await app.inject('/s');
    expect(hit.headers['x-cache']).toBe('HIT');
    expect(hit.body).toBe('chunk1-chunk2-chunk3');
    expect(hit.headers['content-type']).toBe('text/plain');
    expect(calls).toBe(1);
  });

  it('larger than maxBodyBytes pass through whole and uncached', async () => {
    app = await appWith({ ttl: 60_000, maxBodyBytes: 1024 });
    let calls = 0;
    const big = 'x'.repeat(600);
    app.get('/s', { config: { cache: true } }, async () => {
      calls++;
      return Readable.from([big, big, big]);
    });
    expect((await app.inject('/s')).body).toBe(big.repeat(3));
    expect((await app.inject('/s')).body).toHaveLength(1800);
    expect(calls).toBe(2);
  });

  it('larger string bodies pass through uncached', async () => {
    app = await appWith({ ttl: 60_000, maxBodyBytes: 100 });
    let calls = 0;
    app.get('/s', { config: { cache: true } }, async () => `${++calls}`.padEnd(200, '.'));
    await app.inject('/s');
    expect((await app.inject('/s')).headers['x-cache']).toBe('MISS');
    expect(calls).toBe(2);
  });

  it('reach the client chunk by chunk, without waiting for the end (real server)', async () => {
    app = await appWith({ ttl: 60_000 });
    const end = deferred();
    app.get('/live', { config: { cache: true } }, async () => {
      const stream = new Readable({ read() {} });
      stream.push('first-');
      end.promise.then(() => {
        stream.push('last');
        stream.push(null);
      });
      return stream;
    });
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    const res = await fetch(`${address}/live`);
    const reader = res.body!.getReader();
    const first = await reader.read();
    // The first chunk arrived while the handler's stream is still open.
    expect(Buffer.from(first.value!).toString()).toBe('first-');
    end.resolve();
    let rest = '';
    for (let r = await reader.read(); !r.done; r = await reader.read())
      rest += Buffer.from(r.value).toString();
    expect(rest).toBe('last');
    const hit = await fetch(`${address}/live`);
    expect(hit.headers.get('x-cache')).toBe('HIT');
    expect(await hit.text()).toBe('first-last');
  });
});
