import type { TokenStorage, Tokens } from '@expiryproof/core';
import { describe, expect, it } from 'vitest';
import { refreshAt, sessionFor, useAuthServer } from './helpers.js';

// 4-second access tokens: the leeway is capped at a quarter of that, so a token is due 3 s after issue.
const ctx = useAuthServer({ accessTtlMs: 4_000 });
const HOUR = 3_600_000;
const jwtRefresh = () => refreshAt(ctx.server.origin, { withExpiresAt: false });

/** Tokens as the server issued them when its clock read `offsetMs` from now. */
async function issuedAt(offsetMs: number): Promise<Tokens> {
  ctx.server.state.clockOffsetMs = offsetMs;
  const { accessToken, refreshToken } = await ctx.server.login();
  ctx.server.state.clockOffsetMs = 0;
  return { accessToken, refreshToken };
}

const storageHolding = (tokens: Tokens): TokenStorage => ({ load: () => tokens, save: () => {} });

describe('tokens that are expired because they are old are refreshed before the first request', () => {
  it.each(['storage', 'options.tokens', 'setTokens()'] as const)(
    'a JWT issued two hours ago, from %s: one refresh, then the request; the server sees no 401',
    async (source) => {
      const old = await issuedAt(-2 * HOUR);
      const { session, events, warnings } = sessionFor(
        ctx.server,
        source === 'options.tokens' ? old : undefined,
        { refresh: jwtRefresh(), ...(source === 'storage' ? { storage: storageHolding(old) } : {}) },
      );
      if (source === 'setTokens()') session.setTokens(old);
      expect((await session.fetch(`${ctx.server.origin}/api/data`)).status).toBe(200);
      expect(ctx.server.sent('/api/data').map((s) => s.status)).toEqual([200]);
      expect(ctx.server.stats()).toMatchObject({ refreshCalls: 1, unauthorized: 0 });
      expect(events.find((e) => e.type === 'refresh')?.payload).toMatchObject({ reason: 'proactive' });
      // Being old is not clock skew.
      expect(warnings()).toEqual([]);
    },
  );

  it('an opaque token whose stored expiresAt has passed is refreshed before use too', async () => {
    const stale = {
      accessToken: 'opaque-old',
      refreshToken: ctx.tokens.refreshToken,
      expiresAt: Date.now() - 1,
    };
    const { session } = sessionFor(ctx.server, undefined, { storage: storageHolding(stale) });
    expect((await session.fetch(`${ctx.server.origin}/api/data`)).status).toBe(200);
    expect(ctx.server.sent('/api/data').map((s) => s.status)).toEqual([200]);
    expect(ctx.server.stats().refreshCalls).toBe(1);
  });
});

describe('clock skew: only timestamps that cannot be true on our clock', () => {
  it('a JWT issued in our future (server clock two hours ahead): warned, judged by its own lifetime, no loop', async () => {
    let offset = 0;
    const { session, warnings } = sessionFor(ctx.server, undefined, {
      refresh: jwtRefresh(),
      now: () => Date.now() + offset,
    });
    session.setTokens(await issuedAt(2 * HOUR));
    // From here on the server's clock stays two hours ahead of ours.
    ctx.server.state.clockOffsetMs = 2 * HOUR;
    for (let i = 0; i < 3; i++) expect((await session.fetch(`${ctx.server.origin}/api/a`)).status).toBe(200);
    expect(ctx.server.stats().refreshCalls).toBe(0);
    expect(warnings().map((w) => [w.code, w.message])).toEqual([
      ['clock-skew', expect.stringContaining('issued in the future')],
    ]);

    // 3.5 s later on our clock the token is past its refresh point: read from its own 4 s lifetime, not
    // from an `exp` that looks two hours away.
    offset = 3_500;
    for (let i = 0; i < 3; i++) expect((await session.fetch(`${ctx.server.origin}/api/b`)).status).toBe(200);
    expect(ctx.server.stats()).toMatchObject({ refreshCalls: 1, unauthorized: 0 });
    // The refreshed token is from the future too: warned again, and not refreshed over and over.
    expect(warnings()).toHaveLength(2);
  });

  it('a JWT issued moments ago that is already expired (server clock 10 s behind): skew, not age; no refresh', async () => {
    const { session, warnings } = sessionFor(ctx.server, undefined, { refresh: jwtRefresh() });
    session.setTokens(await issuedAt(-10_000));
    // From here on the server's clock stays 10 s behind of ours.
    ctx.server.state.clockOffsetMs = -10_000;
    expect((await session.fetch(`${ctx.server.origin}/api/data`)).status).toBe(200);
    expect(ctx.server.stats()).toMatchObject({ refreshCalls: 0, unauthorized: 0 });
    expect(warnings().map((w) => [w.code, w.message])).toEqual([
      ['clock-skew', expect.stringContaining('expired on arrival')],
    ]);
  });
});
