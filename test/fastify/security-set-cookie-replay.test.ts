import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { appWith } from './helpers.js';

let app: FastifyInstance;
afterEach(() => app?.close());

describe('Set-Cookie replay fails', () => {
  it('a response setting a session cookie is never replayed to anyone', async () => {
    app = await appWith({ ttl: 60_000, allRoutes: true });
    let n = 0;
    app.get('/landing', async (_req, reply) => {
      reply.header('set-cookie', [`session=${++n}; HttpOnly`, 'theme=dark']);
      return 'welcome';
    });
    const first = await app.inject('/landing');
    const second = await app.inject('/landing');
    expect(first.headers['set-cookie']).toEqual(['session=1; HttpOnly', 'theme=dark']);
    expect(second.headers['set-cookie']).toEqual(['session=2; HttpOnly', 'theme=dark']);
    expect(second.headers['x-cache']).toBe('MISS');
  });

  it('even with a per-user key, a Set-Cookie response is not stored', async () => {
    app = await appWith({ ttl: 60_000 });
    let n = 0;
    app.get(
      '/login',
      { config: { cache: { key: (req) => req.headers.cookie } } },
      async (_req, reply) => {
        reply.header('set-cookie', `csrf=${++n}`);
        return 'form';
      },
    );
    await app.inject({ url: '/login', headers: { cookie: 'a=1' } });
    const again = await app.inject({ url: '/login', headers: { cookie: 'a=1' } });
    expect(again.headers['set-cookie']).toBe('csrf=2');
  });
});
