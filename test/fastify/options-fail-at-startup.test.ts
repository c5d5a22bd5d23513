import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import keepsakeFastify from '../../plugins/fastify/index.js';
import { createCache, isKeepsakeError, memoryStore } from '../../src/index.js';

async function startupError(register: (app: ReturnType<typeof Fastify>) => Promise<unknown>) {
  const app = Fastify();
  try {
    await register(app);
    await app.ready();
  } catch (error) {
    return error;
  } finally {
    await app.close().catch(() => {});
  }
  return undefined;
}

describe('bad options fail at startup with ERR_OPTIONS', () => {
  it.each([
    ['tiers and cache together', { tiers: [memoryStore()], cache: createCache() }],
    ['401 in statusCodes', { statusCodes: [200, 401] }],
    ['403 in statusCodes', { statusCodes: [403] }],
    ['429 in statusCodes', { statusCodes: [429] }],
    ['a 5xx in statusCodes', { statusCodes: [200, 503] }],
    ['a negative ttl', { ttl: -1 }],
    ['maxBodyBytes 0', { maxBodyBytes: 0 }],
    ['an unknown option', { tll: 1000 }],
  ])('plugin: %s', async (_name, options) => {
    const error = await startupError((app) => app.register(keepsakeFastify, options as object));
    expect(isKeepsakeError(error, 'ERR_OPTIONS')).toBe(true);
  });

  it.each([
    ['a string', 'yes'],
    ['an unknown key', { tll: 5 }],
    ['a bad ttl', { ttl: 0 }],
    ['vary *', { vary: ['*'] }],
    ['tags not strings', { tags: [1] }],
    ['key not a function', { key: 'user' }],
    ['public not a boolean', { public: 'yes' }],
  ])('route config.cache: %s', async (_name, cache) => {
    const error = await startupError(async (app) => {
      await app.register(keepsakeFastify, { ttl: 1000 });
      app.get('/r', { config: { cache: cache as never } }, async () => 'x');
    });
    expect(isKeepsakeError(error, 'ERR_OPTIONS')).toBe(true);
  });

  it('config.cache on a POST-only route', async () => {
    const error = await startupError(async (app) => {
      await app.register(keepsakeFastify, { ttl: 1000 });
      app.post('/r', { config: { cache: true } }, async () => 'x');
    });
    expect(isKeepsakeError(error, 'ERR_OPTIONS')).toBe(true);
  });

  it('app.keepsake.invalidate rejects bad arguments with ERR_OPTIONS', async () => {
    const app = Fastify();
    await app.register(keepsakeFastify);
    await expect(app.keepsake.invalidate({ tags: [1 as never] })).rejects.toMatchObject({
      code: 'ERR_OPTIONS',
    });
    await app.close();
  });
});
