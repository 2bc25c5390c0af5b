import { describe, expect, it } from 'vitest';
import { sessionFor, useAuthServer } from './helpers.js';

const ctx = useAuthServer();

/** 401 or 403: what an app migrating from an Express `jwt.verify → 403` backend passes. */
const status401or403 = (response: Response) => response.status === 401 || response.status === 403;

/** GraphQL servers answer 200 with errors[].extensions.code; the predicate reads a clone. */
async function graphqlUnauthenticated(response: Response): Promise<boolean> {
  if (response.status === 401) return true;
  const body = (await response.clone().json()) as { errors?: Array<{ extensions?: { code?: string } }> };
  return body.errors?.some((error) => error.extensions?.code === 'UNAUTHENTICATED') ?? false;
}

const graphql = (fetcher: typeof fetch) =>
  fetcher(`${ctx.server.origin}/graphql`, { method: 'POST', body: '{"query":"{ viewer { email } }"}' });

describe('isUnauthorized: which responses mean the access token is no longer accepted', () => {
  it('a server that answers 403 to an expired token: 50 concurrent requests, 1 refresh, 50 successes', async () => {
    ctx.server.state.refusedStatus = 403;
    const { session } = sessionFor(ctx.server, ctx.tokens, { isUnauthorized: status401or403 });
    ctx.server.expireAccessTokens();
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => session.fetch(`${ctx.server.origin}/api/data?i=${i}`)),
    );
    expect(results.map((r) => r.status)).toEqual(Array(50).fill(200));
    expect(ctx.server.stats()).toMatchObject({ refreshCalls: 1, reuseDetected: 0 });
    expect(ctx.server.sent('/api/data').filter((s) => s.status === 403)).toHaveLength(50);
  });

  it('by default only 401 counts: a 403 is the caller’s to see, nothing is refreshed', async () => {
    ctx.server.state.refusedStatus = 403;
    const { session } = sessionFor(ctx.server, ctx.tokens);
    ctx.server.expireAccessTokens();
    expect((await session.fetch(`${ctx.server.origin}/api/data`)).status).toBe(403);
    expect(ctx.server.stats().refreshCalls).toBe(0);
  });

  it('GraphQL UNAUTHENTICATED in a 200: refreshed and replayed, and the caller can still read the body', async () => {
    const { session, count } = sessionFor(ctx.server, ctx.tokens, { isUnauthorized: graphqlUnauthenticated });
    ctx.server.expireAccessTokens();
    const res = await graphql(session.fetch);
    expect(await res.json()).toEqual({ data: { viewer: { email: 'demo@example.com' } } });
    expect(ctx.server.sent('/graphql')).toHaveLength(2);
    expect(ctx.server.stats().refreshCalls).toBe(1);
    expect(count('expired')).toBe(0);
  });

  it('a GraphQL answer that is not about authentication passes through with its body intact', async () => {
    const { session } = sessionFor(ctx.server, ctx.tokens, { isUnauthorized: graphqlUnauthenticated });
    const res = await graphql(session.fetch);
    expect(await res.json()).toEqual({ data: { viewer: { email: 'demo@example.com' } } });
    expect(ctx.server.stats().refreshCalls).toBe(0);
  });

  it('a replay the predicate still refuses ends the session once (replay-rejected); nothing loops', async () => {
    const { session, events } = sessionFor(ctx.server, ctx.tokens, {
      isUnauthorized: graphqlUnauthenticated,
    });
    ctx.server.state.alwaysUnauthorized = true;
    const res = await graphql(session.fetch);
    expect(res.status).toBe(200);
    expect((await res.json()) as object).toHaveProperty('errors');
    expect(ctx.server.sent('/graphql')).toHaveLength(2);
    expect(events.filter((e) => e.type === 'expired').map((e) => e.payload)).toEqual([
      { reason: 'replay-rejected' },
    ]);
  });

  it.each([
    ['a 401 with the default test', undefined, 401],
    ['a 403 with a 401-or-403 predicate', status401or403, 403],
  ])('insufficient_scope (%s) is about permissions: no refresh', async (_, isUnauthorized, status) => {
    const { session } = sessionFor(ctx.server, ctx.tokens, { isUnauthorized });
    const res = await session.fetch(`${ctx.server.origin}/api/admin?status=${status}`);
    expect(res.status).toBe(status);
    expect(res.headers.get('www-authenticate')).toContain('insufficient_scope');
    expect(ctx.server.stats().refreshCalls).toBe(0);
    expect(ctx.server.sent('/api/admin')).toHaveLength(1);
  });

  it('a 401-or-403 predicate and a 403 that means "forbidden": one refresh, the 403 handed back, the session goes on', async () => {
    const { session, count } = sessionFor(ctx.server, ctx.tokens, { isUnauthorized: status401or403 });
    const res = await session.fetch(`${ctx.server.origin}/api/forbidden`);
    expect(res.status).toBe(403);
    // It cannot tell this 403 from an expired token's before refreshing; after a fresh token it can.
    expect(ctx.server.stats().refreshCalls).toBe(1);
    expect(ctx.server.sent('/api/forbidden')).toHaveLength(2);
    expect(count('expired')).toBe(0);
    expect(session.getStatus()).toBe('active');
    expect((await session.fetch(`${ctx.server.origin}/api/data`)).status).toBe(200);
  });

  it('a predicate that throws counts as "not unauthorized": the caller gets the response', async () => {
    const { session } = sessionFor(ctx.server, ctx.tokens, {
      isUnauthorized: async (response) =>
        ((await response.clone().json()) as { nope: { x: boolean } }).nope.x,
    });
    ctx.server.expireAccessTokens();
    expect((await session.fetch(`${ctx.server.origin}/api/data`)).status).toBe(401);
    expect(ctx.server.stats().refreshCalls).toBe(0);
  });
});
