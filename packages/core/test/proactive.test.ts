import { describe, expect, it } from 'vitest';
import { refreshAt, sessionFor, useAuthServer } from './helpers.js';

const jwt = useAuthServer({ accessTtlMs: 4_000 });

describe('proactive refresh before expiry', () => {
  it('reads a JWT exp claim and refreshes before sending once inside the leeway: the server never sees a 401', async () => {
    let offset = 0;
    const { session, events } = sessionFor(jwt.server, jwt.tokens, {
      refresh: refreshAt(jwt.server.origin, { withExpiresAt: false }),
      now: () => Date.now() + offset,
    });
    expect((await session.fetch(`${jwt.server.origin}/api/data`)).status).toBe(200);
    expect(jwt.server.stats().refreshCalls).toBe(0);
    // 4 s lifetime: the leeway is capped at a quarter of it, so 3.2 s later the token is due.
    offset = 3_200;
    const results = await Promise.all([1, 2, 3].map(() => session.fetch(`${jwt.server.origin}/api/data`)));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(jwt.server.stats().refreshCalls).toBe(1);
    expect(jwt.server.stats().unauthorized).toBe(0);
    expect(events.find((e) => e.type === 'refresh')?.payload).toMatchObject({ reason: 'proactive' });
  });

  it('uses expiresAt for opaque tokens, and refreshes opaque tokens without expiry only on 401', async () => {
    let offset = 0;
    const now = () => Date.now() + offset;
    const timed = sessionFor(
      jwt.server,
      { accessToken: 'opaque-token', refreshToken: jwt.tokens.refreshToken, expiresAt: now() + 4_000 },
      { now },
    );
    offset = 3_500;
    await timed.session.fetch(`${jwt.server.origin}/api/data`);
    expect(jwt.server.stats()).toMatchObject({ refreshCalls: 1, unauthorized: 0 });

    const fresh = await jwt.server.login();
    const untimed = sessionFor(
      jwt.server,
      { accessToken: 'opaque-token', refreshToken: fresh.refreshToken },
      { now },
    );
    offset = 10_000_000;
    await untimed.session.fetch(`${jwt.server.origin}/api/data`);
    expect(jwt.server.stats()).toMatchObject({ refreshCalls: 2, unauthorized: 1 });
  });

  it('a clock far ahead of the server: one refresh, then clock skew is reported once and nothing loops', async () => {
    const ahead = () => Date.now() + 3_600_000;
    const { session, events } = sessionFor(jwt.server, undefined, {
      refresh: refreshAt(jwt.server.origin, { withExpiresAt: false }),
      now: ahead,
    });
    // On this clock the token looks an hour old, like one set long after it was issued: it is refreshed
    // first. The token that refresh brings is expired on arrival, which only skew explains.
    session.setTokens(jwt.tokens);
    for (let i = 0; i < 5; i++)
      expect((await session.fetch(`${jwt.server.origin}/api/data`)).status).toBe(200);
    expect(jwt.server.stats()).toMatchObject({ refreshCalls: 1, unauthorized: 0 });
    const warnings = events
      .filter((e) => e.type === 'warning')
      .map((e) => (e.payload as { error: Error & { code: string } }).error);
    expect(warnings.map((w) => w.code)).toEqual(['clock-skew']);
    expect(warnings[0]!.message).toContain('expired on arrival');
  });

  it.each([
    ['not base64', 'a.%%%not-base64.c'],
    ['a null payload', `a.${Buffer.from('null').toString('base64url')}.c`],
    ['an exp that is not a number', `a.${Buffer.from('{"exp":"soon"}').toString('base64url')}.c`],
  ])('treats a malformed JWT (%s) as an opaque token', async (_, accessToken) => {
    const { session, events } = sessionFor(jwt.server, {
      accessToken,
      refreshToken: jwt.tokens.refreshToken,
    });
    const res = await session.fetch(`${jwt.server.origin}/api/data`);
    expect(res.status).toBe(200);
    // Opaque: no expiry known, so it is sent, refused, refreshed once and replayed (not refreshed ahead).
    expect(jwt.server.stats()).toMatchObject({ refreshCalls: 1, unauthorized: 1 });
    expect(events.filter((e) => e.type === 'warning')).toEqual([]);
  });
});
