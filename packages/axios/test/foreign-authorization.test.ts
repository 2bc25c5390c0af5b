import { attachSession } from '@expiryproof/axios';
import axios from 'axios';
import { describe, expect, it } from 'vitest';
import { sessionFor, useAuthServer } from '../../core/test/helpers.js';

const ctx = useAuthServer();

describe('an axios instance whose requests already carry Authorization', () => {
  it('defaults.headers.common.Authorization (a migrating app): left alone, with one warning naming the fix', async () => {
    const { session, warnings } = sessionFor(ctx.server, ctx.tokens);
    const api = axios.create({ baseURL: ctx.server.origin });
    api.defaults.headers.common.Authorization = 'Bearer legacy-token';
    attachSession(api, session);
    ctx.server.expireAccessTokens();
    for (const path of ['/api/a', '/api/b']) {
      expect((await api.get(path).catch((e) => e.response)).status).toBe(401);
    }
    expect(ctx.server.sent('/api/a').map((r) => r.bearer)).toEqual(['Bearer legacy-token'.slice(-8)]);
    expect(ctx.server.stats().refreshCalls).toBe(0);
    expect(warnings().map((w) => w.code)).toEqual(['foreign-authorization']);
    expect(warnings()[0]!.message).toMatch(/axios defaults\.headers\.common: remove it/);
    expect(warnings()[0]!.message).not.toContain('legacy-token');
  });

  it('set by an interceptor of the app: the warning says so', async () => {
    const { session, warnings } = sessionFor(ctx.server, ctx.tokens);
    const api = axios.create({ baseURL: ctx.server.origin });
    api.interceptors.request.use((config) => {
      config.headers.Authorization = 'Bearer from-interceptor';
      return config;
    });
    attachSession(api, session);
    await api.get('/api/data').catch(() => {});
    expect(warnings().map((w) => w.message)).toEqual([expect.stringMatching(/axios interceptor.*remove it/)]);
  });

  it('without it, and for requests that skip the session, no warning', async () => {
    const { session, warnings } = sessionFor(ctx.server, ctx.tokens);
    const api = axios.create({ baseURL: ctx.server.origin });
    attachSession(api, session);
    expect((await api.get('/api/data')).status).toBe(200);
    await api
      .get('/api/skip', { headers: { Authorization: 'Bearer x' }, expiryproof: { skip: true } })
      .catch(() => {});
    expect(warnings()).toEqual([]);
  });
});
