import { InvalidTokensError, RefreshTimeoutError, SessionExpiredError } from '@expiryproof/core';
import { describe, expect, it, vi } from 'vitest';
import { sessionFor, useAuthServer } from './helpers.js';

const ctx = useAuthServer();
const many = (n: number, fetcher: (url: string) => Promise<Response>, origin: string) =>
  Array.from({ length: n }, (_, i) => fetcher(`${origin}/api/data?i=${i}`));

describe('refresh failures are classified', () => {
  it('rejected refresh token, no reauthenticate: every parked request rejects with SessionExpiredError, expired once', async () => {
    const { session, count } = sessionFor(ctx.server, ctx.tokens);
    ctx.server.expireAccessTokens();
    ctx.server.revokeRefreshTokens();
    const results = await Promise.allSettled(many(5, session.fetch, ctx.server.origin));
    for (const r of results) {
      expect(r.status).toBe('rejected');
      expect(SessionExpiredError.is((r as PromiseRejectedResult).reason)).toBe(true);
      expect((r as PromiseRejectedResult).reason.reason).toBe('refresh-rejected');
    }
    expect(count('expired')).toBe(1);
    expect(session.getStatus()).toBe('expired');
    expect(session.getAccessToken()).toBeNull();
    expect(ctx.server.stats().refreshCalls).toBe(1);
  });

  it('rejected refresh token with reauthenticate: asks once for all parked requests, which then resume', async () => {
    const reauthenticate = vi.fn(async () => {
      const { accessToken, refreshToken } = await ctx.server.login();
      return { accessToken, refreshToken };
    });
    const { session, count } = sessionFor(ctx.server, ctx.tokens, { reauthenticate });
    const statuses: string[] = [];
    session.on('status', ({ status }) => statuses.push(status));
    ctx.server.expireAccessTokens();
    ctx.server.revokeRefreshTokens();
    const results = await Promise.all(many(5, session.fetch, ctx.server.origin));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(reauthenticate).toHaveBeenCalledTimes(1);
    expect(count('expired')).toBe(0);
    expect(statuses).toEqual(['refreshing', 'reauth-required', 'active']);
  });

  it('reauthenticate declined (null): parked requests reject with SessionExpiredError(reauth-declined)', async () => {
    const { session, count } = sessionFor(ctx.server, ctx.tokens, { reauthenticate: async () => null });
    ctx.server.expireAccessTokens();
    ctx.server.revokeRefreshTokens();
    const error = await session.fetch(`${ctx.server.origin}/api/data`).catch((e: unknown) => e);
    expect(SessionExpiredError.is(error) && error.reason).toBe('reauth-declined');
    expect(count('expired')).toBe(1);
    // Saving again after declining asks again, without another refresh call for a dead token.
    let asked = 0;
    const again = sessionFor(ctx.server, await ctx.server.login(), {
      reauthenticate: async () => {
        asked++;
        return asked === 1 ? null : ctx.server.login();
      },
    });
    ctx.server.expireAccessTokens();
    ctx.server.revokeRefreshTokens();
    await expect(again.session.fetch(`${ctx.server.origin}/api/data`)).rejects.toSatisfy(
      SessionExpiredError.is,
    );
    const before = ctx.server.stats().refreshCalls;
    expect((await again.session.fetch(`${ctx.server.origin}/api/data`)).status).toBe(200);
    expect(ctx.server.stats().refreshCalls).toBe(before);
    expect(asked).toBe(2);
  });

  it('a 401 that arrives after a declined sign-in, for a request sent before it, shares its fate: no second dialog', async () => {
    const reauthenticate = vi.fn(async () => null);
    const { session } = sessionFor(ctx.server, ctx.tokens, { reauthenticate });
    ctx.server.expireAccessTokens();
    ctx.server.revokeRefreshTokens();
    // The server judges the slow request's token on arrival and holds its 401 until long after the decline.
    const slow = session.fetch(`${ctx.server.origin}/api/slow?delay=1500`);
    await expect(session.fetch(`${ctx.server.origin}/api/fast`)).rejects.toSatisfy(SessionExpiredError.is);
    expect(session.getStatus()).toBe('expired');
    const late = await slow.catch((e: unknown) => e);
    expect(SessionExpiredError.is(late) && late.reason).toBe('reauth-declined');
    expect(reauthenticate).toHaveBeenCalledTimes(1);
  });

  it('after an expiry and a sign-in through reauthenticate, later 401s are refreshed as usual', async () => {
    let answer: 'decline' | 'sign-in' = 'decline';
    const { session } = sessionFor(ctx.server, ctx.tokens, {
      reauthenticate: async () => (answer === 'decline' ? null : ctx.server.login()),
    });
    ctx.server.expireAccessTokens();
    ctx.server.revokeRefreshTokens();
    await expect(session.fetch(`${ctx.server.origin}/api/a`)).rejects.toSatisfy(SessionExpiredError.is);
    answer = 'sign-in';
    expect((await session.fetch(`${ctx.server.origin}/api/b`)).status).toBe(200);
    ctx.server.expireAccessTokens();
    const before = ctx.server.stats().refreshCalls;
    expect((await session.fetch(`${ctx.server.origin}/api/c`)).status).toBe(200);
    expect(ctx.server.stats().refreshCalls).toBe(before + 1);
  });

  it('a refresh endpoint that blips (503, then a dropped connection) is retried: no expiry, the request succeeds', async () => {
    const { session, events, count } = sessionFor(ctx.server, ctx.tokens, {
      retryDelay: { base: 10, max: 20 },
    });
    ctx.server.expireAccessTokens();
    ctx.server.faults.push({ status: 503 }, { drop: true });
    const results = await Promise.all(many(3, session.fetch, ctx.server.origin));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(ctx.server.stats()).toMatchObject({ refreshCalls: 3, refreshSucceeded: 1, reuseDetected: 0 });
    expect(count('expired')).toBe(0);
    const errors = events.filter((e) => e.type === 'refresh-error').map((e) => e.payload);
    expect(errors).toMatchObject([
      { attempt: 1, kind: 'transient', willRetry: true },
      { attempt: 2, kind: 'transient', willRetry: true },
    ]);
    expect(session.getStatus()).toBe('active');
  });

  it('transient failures past refreshTimeout reject parked requests with RefreshTimeoutError, session kept', async () => {
    const { session, count } = sessionFor(ctx.server, ctx.tokens, {
      refreshTimeout: 300,
      retryDelay: { base: 20, max: 40 },
    });
    ctx.server.expireAccessTokens();
    for (let i = 0; i < 50; i++) ctx.server.faults.push({ status: 502 });
    // The attempt the timeout aborts may already be at the server, and (faults cleared below) rotate the
    // token for a client that has gone: a server that honours the idempotency key answers the next
    // refresh, which presents the same token with the same key, with that rotation instead of revoking.
    ctx.server.state.idempotency = true;
    const error = await session.fetch(`${ctx.server.origin}/api/data`).catch((e: unknown) => e);
    expect(RefreshTimeoutError.is(error)).toBe(true);
    expect((error as RefreshTimeoutError).cause).toMatchObject({ status: 502 });
    expect(count('expired')).toBe(0);
    expect(session.getStatus()).toBe('active');
    expect(session.getAccessToken()).toBe(ctx.tokens.accessToken);
    // The endpoint is back: the next request recovers.
    ctx.server.faults.length = 0;
    expect((await session.fetch(`${ctx.server.origin}/api/data`)).status).toBe(200);
  });

  it('a refresh that hangs is cut off by refreshTimeout and its signal is aborted', async () => {
    let aborted = false;
    const { session } = sessionFor(ctx.server, ctx.tokens, {
      refreshTimeout: 200,
      refresh: ({ signal }) =>
        new Promise(() => {
          signal.addEventListener('abort', () => {
            aborted = true;
          });
        }),
    });
    ctx.server.expireAccessTokens();
    await expect(session.fetch(`${ctx.server.origin}/api/data`)).rejects.toSatisfy(RefreshTimeoutError.is);
    expect(aborted).toBe(true);
  });

  it('refresh resolving without an accessToken: one retry, then a refusal (an InvalidTokensError as the cause), not a loop', async () => {
    let calls = 0;
    const { session, count } = sessionFor(ctx.server, ctx.tokens, {
      refresh: async () => {
        calls++;
        return { refreshToken: 'x' } as never;
      },
    });
    ctx.server.expireAccessTokens();
    const error = await session.fetch(`${ctx.server.origin}/api/data`).catch((e: unknown) => e);
    expect(SessionExpiredError.is(error)).toBe(true);
    expect(InvalidTokensError.is((error as Error).cause)).toBe(true);
    expect(String((error as Error).cause)).toContain('accessToken');
    expect(calls).toBe(2);
    expect(count('expired')).toBe(1);
  });
});
