import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type KeyedRequest,
  KeyMemo,
  MAX_RECORDS,
  MAX_URL,
} from '../../plugins/fastify/key-memo.js';
import { appWith, recordingStore } from './helpers.js';

const NAMES = ['accept-language', 'x-forwarded-proto'];

function request(overrides: Partial<KeyedRequest> = {}): KeyedRequest {
  return {
    url: '/r/5?a=1',
    host: 'example.com',
    params: { id: '5' },
    headers: { host: 'example.com', 'accept-language': 'fr' },
    ...overrides,
  };
}

describe('the key memo answers only for equal inputs', () => {
  it('returns the remembered key for the same inputs', () => {
    const memo = new KeyMemo();
    memo.remember('/r/:id', NAMES, request(), undefined, 'http:k');
    expect(memo.get('/r/:id', NAMES, request(), undefined)).toBe('http:k');
  });

  it('misses when any input besides the URL differs', () => {
    const memo = new KeyMemo();
    memo.remember('/r/:id', NAMES, request(), undefined, 'http:k');
    const get = (r: KeyedRequest, route = '/r/:id', user?: string) =>
      memo.get(route, NAMES, r, user);
    expect(get(request(), '/r/*')).toBeUndefined();
    expect(get(request({ host: 'EXAMPLE.com' }))).toBeUndefined();
    expect(get(request({ params: { id: '6' } }))).toBeUndefined();
    expect(get(request({ params: { id: '5', extra: 'x' } }))).toBeUndefined();
    expect(get(request({ params: {} }))).toBeUndefined();
    expect(get(request({ headers: { 'accept-language': 'de' } }))).toBeUndefined();
    expect(get(request({ headers: {} }))).toBeUndefined();
    expect(
      get(request({ headers: { 'accept-language': 'fr', 'x-forwarded-proto': 'http' } })),
    ).toBeUndefined();
    expect(get(request(), '/r/:id', 'user-hash')).toBeUndefined();
    expect(get(request({ url: '/r/5?a=2' }))).toBeUndefined();
  });

  it('does not remember URLs over MAX_URL, non-string values or inherited params', () => {
    const memo = new KeyMemo();
    const cases = [
      request({ url: `/r/5?q=${'x'.repeat(MAX_URL)}` }),
      request({ headers: { 'accept-language': ['fr', 'de'] } }),
      request({ params: { id: 5 } }),
      request({
        params: Object.create({ inherited: 'x' }, { id: { value: '5', enumerable: true } }),
      }),
    ];
    for (const r of cases) {
      memo.remember('/r/:id', NAMES, r, undefined, 'http:k');
      expect(memo.get('/r/:id', NAMES, r, undefined)).toBeUndefined();
    }
  });

  it('is bounded: at most MAX_RECORDS URLs, the least recently used forgotten first', () => {
    const memo = new KeyMemo();
    const at = (i: number) => request({ url: `/r/${i}` });
    for (let i = 0; i < MAX_RECORDS; i++) memo.remember('/r', [], at(i), undefined, `k${i}`);
    expect(memo.get('/r', [], at(0), undefined)).toBe('k0'); // now the most recently used
    memo.remember('/r', [], at(MAX_RECORDS), undefined, `k${MAX_RECORDS}`);
    expect(memo.get('/r', [], at(1), undefined)).toBeUndefined();
    expect(memo.get('/r', [], at(0), undefined)).toBe('k0');
    expect(memo.get('/r', [], at(MAX_RECORDS), undefined)).toBe(`k${MAX_RECORDS}`);
  });
});

describe('the key memo behind the plugin', () => {
  let app: FastifyInstance;
  afterEach(() => app?.close());

  it('params rewritten by an app hook key the entry, not the URL', async () => {
    app = await appWith({ ttl: 60_000 });
    let user = 'ann';
    // A hook that resolves "me" to the caller (say, from a client certificate): same URL,
    // different params, so different entries.
    app.addHook('preHandler', async (req) => {
      const params = req.params as { id: string };
      if (params.id === 'me') params.id = user;
    });
    app.get('/users/:id', { config: { cache: true } }, async (req) => req.params);
    expect((await app.inject('/users/me')).json()).toEqual({ id: 'ann' });
    user = 'bob';
    const bob = await app.inject('/users/me');
    expect(bob.headers['x-cache']).toBe('MISS');
    expect(bob.json()).toEqual({ id: 'bob' });
    user = 'ann';
    const ann = await app.inject('/users/me');
    expect(ann.headers['x-cache']).toBe('HIT');
    expect(ann.json()).toEqual({ id: 'ann' });
  });

  it('a repeated request reads the key it was stored under', async () => {
    const { store, keys } = recordingStore();
    app = await appWith({ ttl: 60_000, tiers: [store] });
    app.get('/q', { config: { cache: { vary: ['accept-language'] } } }, async (req) => ({
      lang: req.headers['accept-language'] ?? null,
    }));
    const fr = { url: '/q?b=2&a=1', headers: { 'accept-language': 'fr' } };
    const de = { url: '/q?b=2&a=1', headers: { 'accept-language': 'de' } };
    expect((await app.inject(fr)).headers['x-cache']).toBe('MISS');
    expect((await app.inject(de)).headers['x-cache']).toBe('MISS');
    expect((await app.inject(fr)).json()).toEqual({ lang: 'fr' });
    expect((await app.inject(de)).json()).toEqual({ lang: 'de' });
    expect((await app.inject(de)).headers['x-cache']).toBe('HIT');
    // Same query in another order: another URL, derived afresh, the same entry.
    expect((await app.inject({ ...fr, url: '/q?a=1&b=2' })).headers['x-cache']).toBe('HIT');
    expect(new Set(keys).size).toBe(2);
  });
});
