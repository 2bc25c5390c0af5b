import { Readable } from 'node:stream';
import { startAuthServer } from '@expiryproof/auth-server';
import { attachSession } from '@expiryproof/axios';
import { HttpStatusError, SessionExpiredError, type Tokens, UnreplayableBodyError } from '@expiryproof/core';
import axios, { AxiosError, type AxiosInstance } from 'axios';
import { describe, expect, it, vi } from 'vitest';
import { type Echo, normalizeEcho, refreshAt, sessionFor, useAuthServer } from '../../core/test/helpers.js';

const ctx = useAuthServer();

function client(tokens: Tokens | undefined, options: Parameters<typeof sessionFor>[2] = {}) {
  const made = sessionFor(ctx.server, tokens, options);
  const api = axios.create({ baseURL: ctx.server.origin });
  const detach = attachSession(api, made.session);
  return { ...made, api, detach };
}

const echoOf = async (api: AxiosInstance, data: unknown, headers: Record<string, string> = {}) =>
  (await api.post('/api/echo', data, { headers })).data as Echo;

describe('attachSession(axios)', () => {
  it('parks a 401, refreshes once, replays; the caller’s own interceptors run once on the final response', async () => {
    const { api, count } = client(ctx.tokens);
    const seen: number[] = [];
    api.interceptors.response.use((res) => {
      seen.push(res.status);
      return res;
    });
    ctx.server.expireAccessTokens();
    const res = await api.get('/api/data');
    expect(res.status).toBe(200);
    expect(res.data).toMatchObject({ ok: true, path: '/api/data' });
    expect(seen).toEqual([200]);
    expect(ctx.server.sent('/api/data').map((s) => s.status)).toEqual([401, 200]);
    expect(count('refresh')).toBe(1);
  });

  it('50 concurrent 401s: one refresh, 50 successes, no reuse detected', async () => {
    const { api } = client(ctx.tokens);
    ctx.server.expireAccessTokens();
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => api.get(`/api/data?i=${i}`)));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(ctx.server.stats()).toMatchObject({ refreshCalls: 1, reuseDetected: 0 });
  });

  it('replays a late 401 (token already replaced) without another refresh, and holds requests during a refresh', async () => {
    const { api } = client(ctx.tokens);
    ctx.server.expireAccessTokens();
    ctx.server.state.refreshDelayMs = 100;
    const slow = api.get('/api/slow?delay=300');
    await new Promise((r) => setTimeout(r, 20));
    const fast = api.get('/api/fast');
    await new Promise((r) => setTimeout(r, 40));
    const during = api.get('/api/during');
    const results = await Promise.all([slow, fast, during]);
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(ctx.server.stats()).toMatchObject({ refreshCalls: 1, reuseDetected: 0 });
    expect(ctx.server.sent('/api/during').map((s) => s.status)).toEqual([200]);
  });

  it('replays at most once: a persistent 401 rejects with the AxiosError holding that response, expired once', async () => {
    const { api, count } = client(ctx.tokens);
    ctx.server.expireAccessTokens();
    ctx.server.state.alwaysUnauthorized = true;
    const errors = await Promise.all([1, 2, 3].map(() => api.get('/api/data').catch((e: unknown) => e)));
    for (const error of errors) {
      expect(error).toBeInstanceOf(AxiosError);
      expect((error as AxiosError).response?.status).toBe(401);
    }
    expect(ctx.server.sent('/api/data')).toHaveLength(6);
    expect(count('expired')).toBe(1);
  });

  it('keeps tokens out of the errors it hands out, even serialised whole', async () => {
    const { api } = client(ctx.tokens);
    ctx.server.state.alwaysUnauthorized = true;
    const error = (await api.get('/api/data').catch((e: unknown) => e)) as AxiosError;
    const text = `${error.message}\n${JSON.stringify(error.toJSON())}\n${String(error)}`;
    expect(text).toContain('401');
    expect(text).not.toContain(ctx.tokens.accessToken);
    expect(text).not.toMatch(/Bearer /i);
  });

  it('a refresh made through the same instance with expiryproof.skip is not intercepted (no deadlock)', async () => {
    const api = axios.create({ baseURL: ctx.server.origin });
    const made = sessionFor(ctx.server, ctx.tokens, {
      refreshTimeout: 2_000,
      refresh: async ({ refreshToken }) => {
        const res = await api.post('/auth/refresh', { refreshToken }, { expiryproof: { skip: true } });
        return { accessToken: res.data.accessToken, refreshToken: res.data.refreshToken };
      },
    });
    attachSession(api, made.session);
    ctx.server.expireAccessTokens();
    expect((await api.get('/api/data')).status).toBe(200);
    expect(ctx.server.sent('/auth/refresh').map((s) => s.bearer)).toEqual([undefined]);
  });

  it('dead refresh token: rejects with SessionExpiredError, or resumes after reauthenticate', async () => {
    const plain = client(ctx.tokens);
    ctx.server.expireAccessTokens();
    ctx.server.revokeRefreshTokens();
    await expect(plain.api.get('/api/data')).rejects.toSatisfy(SessionExpiredError.is);

    const fresh = await ctx.server.login();
    const reauthenticate = vi.fn(async () => ctx.server.login());
    const withDialog = client(fresh, { reauthenticate });
    ctx.server.expireAccessTokens();
    ctx.server.revokeRefreshTokens();
    const results = await Promise.all([
      withDialog.api.get('/api/a'),
      withDialog.api.post('/api/echo', { bio: 'kept' }),
    ]);
    expect(results.map((r) => r.status)).toEqual([200, 200]);
    expect(Buffer.from(results[1]!.data.base64, 'base64').toString()).toBe('{"bio":"kept"}');
    expect(reauthenticate).toHaveBeenCalledTimes(1);
  });

  it('a refresh endpoint that answers 503 once is retried: no expiry', async () => {
    const { api, count } = client(ctx.tokens, { retryDelay: { base: 5, max: 10 } });
    ctx.server.expireAccessTokens();
    ctx.server.faults.push({ status: 503 });
    expect((await api.get('/api/data')).status).toBe(200);
    expect(count('expired')).toBe(0);
    expect(ctx.server.stats().refreshCalls).toBe(2);
  });

  it('aborting a parked request rejects it as an axios cancellation, others proceed', async () => {
    const { api } = client(ctx.tokens);
    ctx.server.expireAccessTokens();
    ctx.server.state.refreshDelayMs = 300;
    const controller = new AbortController();
    const parked = api.get('/api/a', { signal: controller.signal }).catch((e: unknown) => e);
    const other = api.get('/api/b');
    await new Promise((r) => setTimeout(r, 50));
    controller.abort();
    expect(axios.isCancel(await parked)).toBe(true);
    expect((await other).status).toBe(200);
  });

  it('replays bodies byte for byte: JSON, string, URLSearchParams, FormData, Buffer, ArrayBuffer', async () => {
    const { api } = client(ctx.tokens);
    const form = () => {
      const f = new FormData();
      f.set('bio', 'multi\npart');
      return f;
    };
    const cases: Array<() => unknown> = [
      () => ({ bio: 'unsaved ✍️' }),
      () => 'raw string',
      () => new URLSearchParams({ a: '1', b: 'x y' }),
      form,
      () => Buffer.from([1, 2, 3, 250]),
      () => new Uint8Array([9, 8, 7]).buffer,
    ];
    for (const make of cases) {
      const reference = await echoOf(api, make());
      ctx.server.expireAccessTokens();
      const before = ctx.server.stats().refreshCalls;
      const replayed = await echoOf(api, make());
      expect(ctx.server.stats().refreshCalls).toBe(before + 1);
      expect(normalizeEcho(replayed)).toEqual(normalizeEcho(reference));
    }
  });

  it('a one-shot stream body cannot be replayed: the refresh happens, then UnreplayableBodyError', async () => {
    const { api } = client(ctx.tokens);
    ctx.server.expireAccessTokens();
    const error = await api.post('/api/echo', Readable.from([Buffer.from('once')])).catch((e: unknown) => e);
    expect(UnreplayableBodyError.is(error)).toBe(true);
    expect(ctx.server.stats().refreshCalls).toBe(1);
    expect((await api.get('/api/after')).status).toBe(200);
  });

  it('attaches the token only to allowed origins; detach removes the behaviour', async () => {
    const other = await startAuthServer();
    try {
      const { api, detach } = client(ctx.tokens);
      const foreign = await api.get(`${other.origin}/api/data`).catch((e: AxiosError) => e.response);
      expect(foreign?.status).toBe(401);
      expect(other.log.map((r) => r.bearer)).toEqual([undefined]);
      expect(ctx.server.stats().refreshCalls).toBe(0);
      detach();
      const detached = await api.get('/api/data').catch((e: AxiosError) => e.response);
      expect(detached?.status).toBe(401);
      expect(ctx.server.sent('/api/data').map((s) => s.bearer)).toEqual([undefined]);
    } finally {
      await other.close();
    }
  });

  it('proactively refreshes a JWT inside the leeway: the server sees no 401', async () => {
    let offset = 0;
    const { api } = client(ctx.tokens, {
      refresh: refreshAt(ctx.server.origin, { withExpiresAt: false }),
      now: () => Date.now() + offset,
    });
    offset = 59_000;
    expect((await api.get('/api/data')).status).toBe(200);
    expect(ctx.server.stats()).toMatchObject({ refreshCalls: 1, unauthorized: 0 });
  });

  it('throws HttpStatusError-classified failures the same way as fetch', () => {
    expect(new HttpStatusError(401).status).toBe(401);
  });
});
