import { SessionExpiredError } from '@expiryproof/core';
import { describe, expect, it } from 'vitest';
import { sessionFor, useAuthServer } from './helpers.js';

const ctx = useAuthServer();

describe('every promise settles', () => {
  it('aborting a parked request rejects it promptly with AbortError, without cancelling the shared refresh', async () => {
    const { session } = sessionFor(ctx.server, ctx.tokens);
    ctx.server.expireAccessTokens();
    ctx.server.state.refreshDelayMs = 400;
    const controller = new AbortController();
    const parked = session.fetch(`${ctx.server.origin}/api/a`, { signal: controller.signal });
    const other = session.fetch(`${ctx.server.origin}/api/b`);
    await expect.poll(() => session.getStatus()).toBe('refreshing');
    controller.abort();
    const error = await parked.catch((e: unknown) => e);
    // Promptly: before the shared refresh (held 400 ms by the server) has finished.
    expect(ctx.server.stats().refreshSucceeded).toBe(0);
    expect((error as Error).name).toBe('AbortError');
    expect((await other).status).toBe(200);
    expect(ctx.server.stats()).toMatchObject({ refreshCalls: 1, refreshSucceeded: 1 });
    expect(ctx.server.sent('/api/a')).toHaveLength(1);
  });

  it('a request started during a refresh with an already-aborted signal rejects at once', async () => {
    const { session } = sessionFor(ctx.server, ctx.tokens);
    ctx.server.expireAccessTokens();
    ctx.server.state.refreshDelayMs = 200;
    const first = session.fetch(`${ctx.server.origin}/api/a`);
    await new Promise((r) => setTimeout(r, 30));
    const error = await session
      .fetch(`${ctx.server.origin}/api/b`, { signal: AbortSignal.abort() })
      .catch((e) => e);
    expect((error as Error).name).toBe('AbortError');
    expect((await first).status).toBe(200);
  });

  it('clear() during a refresh rejects parked requests with SessionExpiredError(cleared); later 401s pass through', async () => {
    const { session } = sessionFor(ctx.server, ctx.tokens);
    ctx.server.expireAccessTokens();
    ctx.server.state.refreshDelayMs = 300;
    const parked = session.fetch(`${ctx.server.origin}/api/a`).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 50));
    session.clear();
    const error = await parked;
    expect(SessionExpiredError.is(error) && error.reason).toBe('cleared');
    expect(session.getStatus()).toBe('signed-out');
    const after = await session.fetch(`${ctx.server.origin}/api/b`);
    expect(after.status).toBe(401);
    expect(ctx.server.stats().refreshCalls).toBe(1);
  });

  it('setTokens() during a refresh resumes parked requests with the new tokens', async () => {
    const { session } = sessionFor(ctx.server, ctx.tokens, {
      refresh: () => new Promise(() => {}),
    });
    ctx.server.expireAccessTokens();
    const parked = session.fetch(`${ctx.server.origin}/api/a`);
    await new Promise((r) => setTimeout(r, 30));
    session.setTokens(await ctx.server.login());
    expect((await parked).status).toBe(200);
  });

  it('reauthenticate that never answers is bounded by reauthTimeout', async () => {
    const { session } = sessionFor(ctx.server, ctx.tokens, {
      reauthenticate: () => new Promise(() => {}),
      reauthTimeout: 150,
    });
    ctx.server.expireAccessTokens();
    ctx.server.revokeRefreshTokens();
    const error = await session.fetch(`${ctx.server.origin}/api/a`).catch((e: unknown) => e);
    expect(SessionExpiredError.is(error) && error.reason).toBe('reauth-failed');
  });
});
