import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/index.js';
import { appWith } from './helpers.js';

let app: FastifyInstance;
afterEach(() => app?.close());

function broken(sync: boolean): Store {
  const fail = () => {
    if (sync) throw new Error('disk on fire');
    return Promise.reject(new Error('redis down'));
  };
  return {
    name: 'broken',
    kind: 'bytes',
    sync,
    get: fail,
    set: fail,
    delete: fail,
    clear: fail,
  } as Store;
}

describe('a failing store', () => {
  it.each([
    ['sync', true],
    ['async', false],
  ])('(%s) is a miss, never a failed request', async (_name, sync) => {
    app = await appWith({ ttl: 60_000, tiers: [broken(sync)] });
    let calls = 0;
    app.get('/r', { config: { cache: true } }, async () => `call ${++calls}`);
    const first = await app.inject('/r');
    const second = await app.inject('/r');
    expect([first.statusCode, second.statusCode]).toEqual([200, 200]);
    expect(second.body).toBe('call 2');
    expect(app.keepsake.stats().cache.errors).toBeGreaterThan(0);
    expect((await app.inject({ method: 'POST', url: '/r' })).statusCode).toBe(404);
    expect(await app.keepsake.invalidate({ tags: ['x'] })).toBe(0);
  });

  it('a closed user cache is a miss too', async () => {
    const { createCache } = await import('../../src/index.js');
    const cache = createCache();
    app = await appWith({ ttl: 60_000, cache });
    app.get('/r', { config: { cache: true } }, async () => 'ok');
    await cache.close();
    expect((await app.inject('/r')).statusCode).toBe(200);
    expect((await app.inject('/r')).statusCode).toBe(200);
  });
});
