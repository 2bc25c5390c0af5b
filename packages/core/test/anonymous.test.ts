import { HttpStatusError, type RefreshContext } from '@expiryproof/core';
import { describe, expect, it, vi } from 'vitest';
import { sessionFor, useAuthServer } from './helpers.js';

const ctx = useAuthServer();
// Each test its own path, so requests a failed test left in flight cannot land in another's log.
const at =
  (path: string) =>
  (i = 0) =>
    `${ctx.server.origin}/api/${path}?i=${i}`;

describe('a 401 to a request sent without a credential (the session holds no tokens)', () => {
  it('a visitor who never signed in: one silent refresh at most, no sign-in asked, no expiry, the 401s stand', async () => {
    const data = at('visitor');
    const reauthenticate = vi.fn(async () => null);
    const { session, count } = sessionFor(ctx.server, undefined, { reauthenticate });
    const results = await Promise.all([0, 1, 2, 3, 4].map((i) => session.fetch(data(i))));
    expect(results.map((r) => r.status)).toEqual([401, 401, 401, 401, 401]);
    // The server's refusal of the silent refresh (no refresh token: 400) ended it quietly.
    expect(ctx.server.stats().refreshCalls).toBe(1);
    expect(ctx.server.sent('/api/visitor')).toHaveLength(5);
    expect(reauthenticate).not.toHaveBeenCalled();
    expect(count('reauth-required') + count('expired')).toBe(0);
    expect(session.getStatus()).toBe('signed-out');

    // Once refused, later anonymous 401s do not try again.
    expect((await session.fetch(data(5))).status).toBe(401);
    expect(ctx.server.stats().refreshCalls).toBe(1);
    expect(reauthenticate).not.toHaveBeenCalled();
  });

  it.each([
    ['a refresh function that throws (no refresh token to send)', 'throws'],
    ['a refresh endpoint answering 503', '503'],
  ] as const)(
    '%s: the 401s come back at once, no retries, no expiry; a later 401 may try again',
    async (_, failure) => {
      const data = at(`visitor-${failure}`);
      const reauthenticate = vi.fn(async () => null);
      let calls = 0;
      const { session, count } = sessionFor(ctx.server, undefined, {
        reauthenticate,
        refreshTimeout: 30_000,
        retryDelay: { base: 10, max: 300 },
        refresh: async ({ fetch }) => {
          calls++;
          if (failure === 'throws') throw new Error('not signed in');
          const res = await fetch(`${ctx.server.origin}/auth/refresh`, { method: 'POST', body: '{}' });
          throw new HttpStatusError(res.status);
        },
      });
      if (failure === '503') ctx.server.faults.push({ status: 503 }, { status: 503 });
      const started = Date.now();
      const results = await Promise.all([0, 1, 2].map((i) => session.fetch(data(i))));
      expect(results.map((r) => r.status)).toEqual([401, 401, 401]);
      // Not the 30 s refreshTimeout of retries: the first failure ends a visitor's silent try.
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(calls).toBe(1);
      expect(reauthenticate).not.toHaveBeenCalled();
      expect(count('reauth-required') + count('expired')).toBe(0);
      // Nothing said "no session" (a blip on page load may hide a cookie-held one): a 401 after the longest
      // retry delay tries again; one within it does not.
      expect((await session.fetch(data(3))).status).toBe(401);
      expect(calls).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 350));
      expect((await session.fetch(data(4))).status).toBe(401);
      expect(calls).toBe(2);
    },
  );

  it('a refresh token held in an httpOnly cookie: after a reload the silent refresh resumes the session', async () => {
    // The page never sees the cookie; the browser sends it with the refresh call. Here `cookie` stands in for it.
    const data = at('cookie');
    let cookie = ctx.tokens.refreshToken;
    const { session, count } = sessionFor(ctx.server, undefined, {
      refresh: async ({ refreshToken, fetch, signal }: RefreshContext) => {
        expect(refreshToken).toBeUndefined();
        const res = await fetch(`${ctx.server.origin}/auth/refresh`, {
          method: 'POST',
          body: JSON.stringify({ refreshToken: cookie }),
          signal,
        });
        if (!res.ok) throw new HttpStatusError(res.status);
        const body = (await res.json()) as { accessToken: string; refreshToken: string };
        cookie = body.refreshToken;
        return { accessToken: body.accessToken };
      },
    });
    const results = await Promise.all([0, 1, 2].map((i) => session.fetch(data(i))));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(ctx.server.stats()).toMatchObject({ refreshCalls: 1, reuseDetected: 0 });
    expect(ctx.server.sent('/api/cookie').map((s) => s.status)).toEqual([401, 401, 401, 200, 200, 200]);
    expect(session.getStatus()).toBe('active');
    expect(count('refresh')).toBe(1);
  });

  it('signing in after a refused silent refresh makes 401s recoverable again', async () => {
    const data = at('later');
    const { session } = sessionFor(ctx.server, undefined);
    expect((await session.fetch(data())).status).toBe(401);
    session.setTokens(await ctx.server.login());
    ctx.server.expireAccessTokens();
    expect((await session.fetch(data(1))).status).toBe(200);
    expect(ctx.server.stats().refreshCalls).toBe(2);
  });

  it('an anonymous request whose 401 arrives after a sign-in is replayed with the new token', async () => {
    const { session } = sessionFor(ctx.server, undefined);
    const tokens = await ctx.server.login();
    // The server judges the (absent) token on arrival, then holds its 401 for a second.
    const slow = session.fetch(`${ctx.server.origin}/api/slow?delay=1000`);
    await expect.poll(() => ctx.server.stats().apiCalls).toBe(1);
    session.setTokens(tokens);
    expect((await slow).status).toBe(200);
    expect(ctx.server.stats().refreshCalls).toBe(0);
  });
});
