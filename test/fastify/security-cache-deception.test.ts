import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { appWith } from './helpers.js';

let app: FastifyInstance;
afterEach(() => app?.close());

async function setup() {
  app = await appWith({ ttl: 60_000 });
  // Static assets: public, cached for everyone.
  app.get('/static/*', { config: { cache: { public: true } } }, async (req) => `asset ${req.url}`);
  app.get('/account/me.css', { config: { cache: { public: true } } }, async () => 'body{}');
  // The account page: keyed per user by its cookie.
  app.get(
    '/account/:file',
    { config: { cache: { key: (req) => req.headers.cookie } } },
    async (req) => ({
      account: req.headers.cookie ?? 'anonymous',
      file: (req.params as { file: string }).file,
    }),
  );
  app.get('/profile/:file', { config: { cache: true } }, async (req) => ({
    profile: req.headers.cookie ?? 'anonymous',
  }));
}

describe('cache deception fails', () => {
  it("/account/:file asked as /account/x.css is never served from another route's entry", async () => {
    await setup();
    await app.inject('/account/me.css');
    await app.inject('/static/site.css');
    const victim = await app.inject({ url: '/account/x.css', headers: { cookie: 'sid=victim' } });
    expect(victim.json()).toEqual({ account: 'sid=victim', file: 'x.css' });
    // The attacker (no cookie) asks for the same URL: not the victim's page.
    const attacker = await app.inject('/account/x.css');
    expect(attacker.body).not.toContain('victim');
  });

  it('an authenticated answer on a cached route is never stored publicly', async () => {
    await setup();
    const victim = await app.inject({ url: '/profile/me.css', headers: { cookie: 'sid=victim' } });
    expect(victim.headers['x-cache']).toBe('BYPASS');
    expect(victim.headers['cache-control']).toBe('private');
    const attacker = await app.inject('/profile/me.css');
    expect(attacker.json()).toEqual({ profile: 'anonymous' });
  });
});
