import { attachSession } from '@expiryproof/axios';
import type { Tokens } from '@expiryproof/core';
import axios, { type AxiosError } from 'axios';
import { describe, expect, it } from 'vitest';
import { sessionFor, useAuthServer } from '../../core/test/helpers.js';

const ctx = useAuthServer();

function client(tokens: Tokens | undefined, options: Parameters<typeof sessionFor>[2] = {}) {
  const made = sessionFor(ctx.server, tokens, options);
  const api = axios.create({ baseURL: ctx.server.origin });
  attachSession(api, made.session);
  return { ...made, api };
}

/** The same predicates an app passes for session.fetch: the adapter hands them an equivalent Response. */
const status401or403 = (response: Response) => response.status === 401 || response.status === 403;
async function graphqlUnauthenticated(response: Response): Promise<boolean> {
  const body = (await response.clone().json()) as { errors?: Array<{ extensions?: { code?: string } }> };
  return body.errors?.some((error) => error.extensions?.code === 'UNAUTHENTICATED') ?? false;
}

describe('isUnauthorized through @expiryproof/axios', () => {
  it('a server that answers 403 to an expired token: 50 concurrent requests, 1 refresh, 50 successes', async () => {
    ctx.server.state.refusedStatus = 403;
    const { api } = client(ctx.tokens, { isUnauthorized: status401or403 });
    ctx.server.expireAccessTokens();
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => api.get(`/api/data?i=${i}`)));
    expect(results.map((r) => r.status)).toEqual(Array(50).fill(200));
    expect(ctx.server.stats()).toMatchObject({ refreshCalls: 1, reuseDetected: 0 });
    expect(ctx.server.sent('/api/data').filter((s) => s.status === 403)).toHaveLength(50);
  });

  it('GraphQL UNAUTHENTICATED in a 200: the predicate reads the re-encoded body, and the replay succeeds', async () => {
    const { api } = client(ctx.tokens, { isUnauthorized: graphqlUnauthenticated });
    ctx.server.expireAccessTokens();
    const res = await api.post('/graphql', { query: '{ viewer { email } }' });
    expect(res.data).toEqual({ data: { viewer: { email: 'demo@example.com' } } });
    expect(ctx.server.sent('/graphql')).toHaveLength(2);
    expect(ctx.server.stats().refreshCalls).toBe(1);
  });

  it('the predicate sees status, headers and body as session.fetch would show them', async () => {
    const seen: Array<{ status: number; challenge: string | null; body: unknown }> = [];
    const { api } = client(ctx.tokens, {
      isUnauthorized: async (response) => {
        seen.push({
          status: response.status,
          challenge: response.headers.get('WWW-Authenticate'),
          body: await response.clone().json(),
        });
        return response.status === 401;
      },
    });
    ctx.server.expireAccessTokens();
    await api.get('/api/data');
    expect(seen[0]).toEqual({
      status: 401,
      challenge: 'Bearer error="invalid_token"',
      body: { error: 'invalid_token' },
    });
    expect(seen[1]).toMatchObject({ status: 200, body: { ok: true, path: '/api/data' } });
  });

  it('insufficient_scope (a 403 the predicate accepts) is about permissions: no refresh', async () => {
    const { api } = client(ctx.tokens, { isUnauthorized: status401or403 });
    const error = (await api.get('/api/admin').catch((e: unknown) => e)) as AxiosError;
    expect(error.response?.status).toBe(403);
    expect(ctx.server.stats().refreshCalls).toBe(0);
    expect(ctx.server.sent('/api/admin')).toHaveLength(1);
  });
});
