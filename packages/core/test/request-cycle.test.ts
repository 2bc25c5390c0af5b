import { startAuthServer } from '@expiryproof/auth-server';
import { SessionExpiredError } from '@expiryproof/core';
import { describe, expect, it } from 'vitest';
import { sessionFor, useAuthServer } from './helpers.js';

const ctx = useAuthServer();

describe('request cycle through session.fetch against a rotating-token server', () => {
  it('parks a 401, refreshes once and replays it with the new token', async () => {
    const { session, count } = sessionFor(ctx.server, ctx.tokens);
    ctx.server.expireAccessTokens();
    const res = await session.fetch(`${ctx.server.origin}/api/data`);
    expect(res.status).toBe(200);
    const sent = ctx.server.sent('/api/data');
    expect(sent.map((s) => s.status)).toEqual([401, 200]);
    expect(sent[0]!.bearer).not.toBe(sent[1]!.bearer);
    expect(ctx.server.stats()).toMatchObject({ refreshCalls: 1, reuseDetected: 0 });
    expect(count('refresh')).toBe(1);
    expect(session.getAccessToken()).not.toBe(ctx.tokens.accessToken);
  });

  it('shares one refresh among 50 concurrent 401s, and all 50 succeed', async () => {
    const { session } = sessionFor(ctx.server, ctx.tokens);
    ctx.server.expireAccessTokens();
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => session.fetch(`${ctx.server.origin}/api/data?i=${i}`)),
    );
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(ctx.server.stats()).toMatchObject({ refreshCalls: 1, reuseDetected: 0 });
    expect(ctx.server.sent('/api/data').length).toBe(100);
  });

  it('replays a 401 that arrives after the refresh finished at once, without another refresh', async () => {
    const { session } = sessionFor(ctx.server, ctx.tokens);
    ctx.server.expireAccessTokens();
    // The server judges the token on arrival, then holds the 401 for 300 ms: it lands after the refresh.
    const slow = session.fetch(`${ctx.server.origin}/api/data?delay=300`);
    await new Promise((r) => setTimeout(r, 20));
    const fast = await session.fetch(`${ctx.server.origin}/api/data`);
    expect(fast.status).toBe(200);
    expect(ctx.server.stats().refreshCalls).toBe(1);
    expect((await slow).status).toBe(200);
    expect(ctx.server.stats()).toMatchObject({ refreshCalls: 1, reuseDetected: 0 });
  });

  it('holds requests started during a refresh instead of sending the stale token', async () => {
    const { session } = sessionFor(ctx.server, ctx.tokens);
    ctx.server.expireAccessTokens();
    ctx.server.state.refreshDelayMs = 200;
    const first = session.fetch(`${ctx.server.origin}/api/data`);
    await new Promise((r) => setTimeout(r, 50));
    expect(session.getStatus()).toBe('refreshing');
    const later = await session.fetch(`${ctx.server.origin}/api/later`);
    expect(later.status).toBe(200);
    expect((await first).status).toBe(200);
    expect(ctx.server.sent('/api/later').map((s) => s.status)).toEqual([200]);
  });

  it('replays at most once: a second 401 reaches the caller, expired is emitted once, nothing loops', async () => {
    const { session, count, events } = sessionFor(ctx.server, ctx.tokens);
    ctx.server.expireAccessTokens();
    ctx.server.state.alwaysUnauthorized = true;
    const results = await Promise.all(
      Array.from({ length: 10 }, () => session.fetch(`${ctx.server.origin}/api/data`)),
    );
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(401));
    expect(ctx.server.sent('/api/data').length).toBe(20);
    expect(ctx.server.stats().refreshCalls).toBe(1);
    expect(count('expired')).toBe(1);
    expect(events.find((e) => e.type === 'expired')?.payload).toEqual({ reason: 'replay-rejected' });
    expect(session.getStatus()).toBe('expired');
    // Once expired, further 401s are not retried and do not refresh: they reject clearly.
    await expect(session.fetch(`${ctx.server.origin}/api/data`)).rejects.toSatisfy(SessionExpiredError.is);
    expect(ctx.server.stats().refreshCalls).toBe(1);
  });

  it('makes the refresh call with the bare transport: no bearer, no interception', async () => {
    const { session } = sessionFor(ctx.server, ctx.tokens);
    ctx.server.expireAccessTokens();
    await session.fetch(`${ctx.server.origin}/api/data`);
    const refreshes = ctx.server.sent('/auth/refresh');
    expect(refreshes).toHaveLength(1);
    expect(refreshes[0]!.bearer).toBeUndefined();
  });

  it('attaches the token only to allowed origins and passes foreign 401s through untouched', async () => {
    const other = await startAuthServer();
    try {
      const { session } = sessionFor(ctx.server, ctx.tokens);
      const res = await session.fetch(`${other.origin}/api/data`);
      expect(res.status).toBe(401);
      expect(other.log.map((r) => r.bearer)).toEqual([undefined]);
      expect(ctx.server.stats().refreshCalls).toBe(0);
      // A Request object for the foreign origin is not touched either.
      await session.fetch(new Request(`${other.origin}/api/echo`, { method: 'POST', body: 'x' }));
      expect(other.log.every((r) => r.bearer === undefined)).toBe(true);
    } finally {
      await other.close();
    }
  });

  it('leaves a caller-supplied Authorization header alone', async () => {
    const { session } = sessionFor(ctx.server, ctx.tokens);
    const res = await session.fetch(`${ctx.server.origin}/api/data`, {
      headers: { Authorization: 'Bearer mine' },
    });
    expect(res.status).toBe(401);
    expect(ctx.server.stats().refreshCalls).toBe(0);
    expect(ctx.server.sent('/api/data')).toHaveLength(1);
  });

  it('keeps two sessions in one process independent', async () => {
    const a = sessionFor(ctx.server, ctx.tokens);
    const second = await ctx.server.login();
    const b = sessionFor(ctx.server, second);
    ctx.server.expireAccessTokens();
    await Promise.all([
      a.session.fetch(`${ctx.server.origin}/api/a`),
      b.session.fetch(`${ctx.server.origin}/api/b`),
    ]);
    expect(ctx.server.stats().refreshCalls).toBe(2);
    expect(a.session.getAccessToken()).not.toBe(b.session.getAccessToken());
    b.session.clear();
    expect(a.session.getStatus()).toBe('active');
  });
});
