import {
  createSession,
  type ReauthContext,
  type RefreshContext,
  RefreshTimeoutError,
  type Session,
  SessionExpiredError,
  type TokenStorage,
  type Tokens,
} from '@expiryproof/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { refreshAt, sessionFor, useAuthServer } from './helpers.js';

const ctx = useAuthServer();
const fast = { retryDelay: { base: 5, max: 10 } };
const open: Session[] = [];
afterEach(() => {
  for (const session of open.splice(0)) session.dispose();
});

/** The server rotates the refresh token, then the connection drops: the client never sees the answer. */
const loseNextAnswer = () => ctx.server.faults.push({ lose: true });

describe('refresh that survives a lost answer', () => {
  it('refresh gets one idempotency key per flight, the same for each of its retries', async () => {
    const contexts: RefreshContext[] = [];
    const real = refreshAt(ctx.server.origin);
    const { session } = sessionFor(ctx.server, ctx.tokens, {
      ...fast,
      refresh: (context) => {
        contexts.push(context);
        return real(context);
      },
    });
    ctx.server.expireAccessTokens();
    ctx.server.faults.push({ status: 503 }, { drop: true });
    expect((await session.fetch(`${ctx.server.origin}/api/a`)).status).toBe(200);
    ctx.server.expireAccessTokens();
    expect((await session.fetch(`${ctx.server.origin}/api/b`)).status).toBe(200);
    const keys = contexts.map((c) => c.idempotencyKey);
    expect(contexts.map((c) => c.attempt)).toEqual([1, 2, 3, 1]);
    expect(new Set(keys.slice(0, 3)).size).toBe(1);
    expect(keys[3]).not.toBe(keys[0]);
    expect(keys[0]).toMatch(/^[!-~]{8,}$/);
  });

  it('a server that honours Idempotency-Key answers the retry with the lost answer: no logout, one rotation', async () => {
    ctx.server.state.idempotency = true;
    const reauthenticate = vi.fn(async () => null);
    const { session, count } = sessionFor(ctx.server, ctx.tokens, { ...fast, reauthenticate });
    ctx.server.expireAccessTokens();
    loseNextAnswer();
    expect((await session.fetch(`${ctx.server.origin}/api/data`)).status).toBe(200);
    expect(ctx.server.stats()).toMatchObject({
      refreshCalls: 2,
      refreshSucceeded: 1,
      idempotentReplays: 1,
      reuseDetected: 0,
    });
    expect(reauthenticate).not.toHaveBeenCalled();
    expect(count('expired')).toBe(0);
    // The tokens the lost answer carried are the ones in use, and their refresh token is good.
    ctx.server.expireAccessTokens();
    expect((await session.fetch(`${ctx.server.origin}/api/again`)).status).toBe(200);
    expect(ctx.server.stats()).toMatchObject({ refreshSucceeded: 2, reuseDetected: 0 });
  });

  it('a strict server revokes the family on the retry: reauthenticate is asked, saying refresh-outcome-lost', async () => {
    const reauthenticate = vi.fn(async (_context: ReauthContext) => ctx.server.login());
    const { session, events } = sessionFor(ctx.server, ctx.tokens, { ...fast, reauthenticate });
    ctx.server.expireAccessTokens();
    loseNextAnswer();
    expect((await session.fetch(`${ctx.server.origin}/api/data`)).status).toBe(200);
    expect(ctx.server.stats()).toMatchObject({ refreshCalls: 2, refreshSucceeded: 1, reuseDetected: 1 });
    expect(reauthenticate).toHaveBeenCalledTimes(1);
    expect(reauthenticate.mock.calls[0]![0]).toMatchObject({ reason: 'refresh-outcome-lost' });
    expect(events.find((e) => e.type === 'reauth-required')?.payload).toMatchObject({
      reason: 'refresh-outcome-lost',
    });
  });

  it('without reauthenticate the session expires with reason refresh-outcome-lost, not refresh-rejected', async () => {
    const { session, events } = sessionFor(ctx.server, ctx.tokens, fast);
    ctx.server.expireAccessTokens();
    loseNextAnswer();
    const error = await session.fetch(`${ctx.server.origin}/api/data`).catch((e: unknown) => e);
    expect(SessionExpiredError.is(error) && error.reason).toBe('refresh-outcome-lost');
    expect(events.filter((e) => e.type === 'expired').map((e) => e.payload)).toEqual([
      { reason: 'refresh-outcome-lost' },
    ]);
  });

  it.each([
    ['honours the key: the next refresh gets the lost answer', true],
    ['is strict: the next refresh is refused, reason refresh-outcome-lost', false],
  ])('lost answer, then the flight times out; a server that %s', async (_, idempotency) => {
    ctx.server.state.idempotency = idempotency;
    // The backoff after the lost answer (500-1000 ms) outlasts refreshTimeout: the flight ends without tokens.
    const { session, count } = sessionFor(ctx.server, ctx.tokens, {
      refreshTimeout: 300,
      retryDelay: { base: 1_000, max: 1_000 },
    });
    ctx.server.expireAccessTokens();
    loseNextAnswer();
    await expect(session.fetch(`${ctx.server.origin}/api/a`)).rejects.toSatisfy(RefreshTimeoutError.is);
    // The next refresh presents the same (spent) refresh token: the same request again, with the same key.
    const next = await session.fetch(`${ctx.server.origin}/api/b`).catch((e: unknown) => e);
    if (idempotency) {
      expect((next as Response).status).toBe(200);
      expect(ctx.server.stats()).toMatchObject({
        refreshSucceeded: 1,
        idempotentReplays: 1,
        reuseDetected: 0,
      });
      expect(count('expired')).toBe(0);
    } else {
      expect(SessionExpiredError.is(next) && next.reason).toBe('refresh-outcome-lost');
    }
  });

  it('an attempt still in flight when refreshTimeout ends the flight counts as a lost answer', async () => {
    const { session } = sessionFor(ctx.server, ctx.tokens, { refreshTimeout: 300 });
    ctx.server.expireAccessTokens();
    // The server takes the refresh, rotates 700 ms later and answers a client that gave up at 300 ms.
    ctx.server.faults.push({ delayMs: 700 });
    await expect(session.fetch(`${ctx.server.origin}/api/a`)).rejects.toSatisfy(RefreshTimeoutError.is);
    await expect.poll(() => ctx.server.stats().refreshSucceeded, { timeout: 5_000 }).toBe(1);
    const next = await session.fetch(`${ctx.server.origin}/api/b`).catch((e: unknown) => e);
    expect(SessionExpiredError.is(next) && next.reason).toBe('refresh-outcome-lost');
  });

  it('an answered failure (503) before the refusal leaves the outcome known: refresh-rejected', async () => {
    const { session } = sessionFor(ctx.server, ctx.tokens, fast);
    ctx.server.expireAccessTokens();
    ctx.server.revokeRefreshTokens();
    ctx.server.faults.push({ status: 503 });
    const error = await session.fetch(`${ctx.server.origin}/api/data`).catch((e: unknown) => e);
    expect(SessionExpiredError.is(error) && error.reason).toBe('refresh-rejected');
  });

  it('looks in the storage first: tokens another tab saved meanwhile are adopted, nobody is asked to sign in', async () => {
    let saved: Tokens | null = null;
    const shared: TokenStorage = {
      load: () => saved,
      save: (tokens) => {
        saved = tokens;
      },
    };
    const sibling = createSession({ origins: [ctx.server.origin], refresh: refreshAt(ctx.server.origin) });
    const reauthenticate = vi.fn(async () => null);
    const real = refreshAt(ctx.server.origin);
    const { session } = sessionFor(ctx.server, ctx.tokens, {
      ...fast,
      storage: shared,
      reauthenticate,
      refresh: async (context) => {
        // While the first answer was being lost, another tab signed in and saved its tokens.
        if (context.attempt === 2) shared.save(await ctx.server.login());
        return real(context);
      },
    });
    open.push(sibling);
    ctx.server.expireAccessTokens();
    loseNextAnswer();
    expect((await session.fetch(`${ctx.server.origin}/api/data`)).status).toBe(200);
    expect(reauthenticate).not.toHaveBeenCalled();
    expect(session.getAccessToken()).toBe(saved!.accessToken);
  });

  it('then asks the sibling tabs: one holding newer tokens answers, nobody is asked to sign in', async () => {
    const crossTab = { name: `lost-${Date.now()}` };
    const reauthenticate = vi.fn(async () => null);
    const tab = createSession({
      tokens: ctx.tokens,
      origins: [ctx.server.origin],
      refresh: refreshAt(ctx.server.origin),
      reauthenticate,
      crossTab,
      ...fast,
    });
    const sibling = createSession({
      origins: [ctx.server.origin],
      refresh: refreshAt(ctx.server.origin),
      crossTab,
    });
    open.push(tab, sibling);
    ctx.server.expireAccessTokens();
    // A sign-in in the sibling that this tab has not heard of (setTokens does not broadcast).
    sibling.setTokens(await ctx.server.login());
    loseNextAnswer();
    expect((await tab.fetch(`${ctx.server.origin}/api/data`)).status).toBe(200);
    expect(reauthenticate).not.toHaveBeenCalled();
    expect(tab.getAccessToken()).toBe(sibling.getAccessToken());
  });
});
