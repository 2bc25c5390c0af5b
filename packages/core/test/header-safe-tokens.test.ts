import { createSession, InvalidTokensError, SessionExpiredError, type TokenStorage } from '@expiryproof/core';
import { describe, expect, it } from 'vitest';
import { refreshAt, sessionFor, useAuthServer } from './helpers.js';

const ctx = useAuthServer();
const refresh = async () => ({ accessToken: 'x' });

/**
 * Values that would break (or inject into) an Authorization header, or are not bearer tokens at all. Each
 * holds MARK, so an echo is caught even when escaped (JSON turns CR/LF into \r\n).
 */
const MARK = 'T0KEN';
const UNSAFE = [`${MARK}\r\nX-Injected: 1`, `${MARK}\nX`, `${MARK}\tX`, `${MARK} X`, `${MARK}\0`, `${MARK}é`];

/** Everything an error can show: its message, string form, stack, serialisation and causes. */
function textOf(error: unknown): string {
  const parts: string[] = [];
  for (let e = error as Error | undefined; e; e = e.cause as Error | undefined) {
    parts.push(String(e), e.message, e.stack ?? '', JSON.stringify(e));
  }
  return parts.join('\n');
}

describe('token values must be header-safe wherever they enter', () => {
  it('a refresh answering a CR/LF token once: never taken, never shown; a second attempt under a new key recovers', async () => {
    const bad = UNSAFE[0]!;
    const keys: string[] = [];
    const viaServer = refreshAt(ctx.server.origin);
    const { session, events, count } = sessionFor(ctx.server, ctx.tokens, {
      refresh: (context) => {
        keys.push(context.idempotencyKey);
        return viaServer(context);
      },
    });
    ctx.server.expireAccessTokens();
    ctx.server.faults.push({ body: { accessToken: bad, refreshToken: 'fine', expiresIn: 60 } });

    const res = await session.fetch(`${ctx.server.origin}/api/data`);
    expect(res.status).toBe(200);
    // The bad answer was refused, and the retry did not reuse the key a server would replay it under.
    expect(keys).toHaveLength(2);
    expect(keys[0]).not.toBe(keys[1]);
    expect(session.getAccessToken()).not.toContain(MARK);
    expect(ctx.server.sent('/api/data')).toHaveLength(2);
    const failures = events.filter((e) => e.type === 'refresh-error').map((e) => e.payload);
    expect(failures).toMatchObject([{ kind: 'invalid', willRetry: true, attempt: 1 }]);
    expect(textOf((failures[0] as { error: unknown }).error)).not.toContain(MARK);
    expect(count('expired')).toBe(0);
  });

  it('a refresh that keeps answering a CR/LF token is a refusal, not a wedged session: typed error, no token in it', async () => {
    const bad = UNSAFE[0]!;
    const { session, events } = sessionFor(ctx.server, ctx.tokens);
    ctx.server.expireAccessTokens();
    for (let i = 0; i < 2; i++)
      ctx.server.faults.push({ body: { accessToken: bad, refreshToken: 'fine', expiresIn: 60 } });

    const error = await session.fetch(`${ctx.server.origin}/api/data`).catch((e: unknown) => e);
    expect(SessionExpiredError.is(error)).toBe(true);
    const cause = (error as Error).cause;
    expect(InvalidTokensError.is(cause)).toBe(true);
    expect((cause as Error).message).toMatch(/refresh\(\).*accessToken/);
    expect(textOf(error)).not.toContain(MARK);
    expect(textOf(cause)).not.toContain(MARK);
    // Not wedged: the session ended (no reauthenticate here), and the bad token was never taken.
    expect(session.getStatus()).toBe('expired');
    expect(events.filter((e) => e.type === 'expired').map((e) => e.payload)).toEqual([
      { reason: 'refresh-outcome-lost' },
    ]);
    expect(ctx.server.stats().refreshCalls).toBe(2);
    expect(ctx.server.sent('/api/data')).toHaveLength(1);
  });

  it.each(UNSAFE)('setTokens and options.tokens refuse %j, naming the field, never the value', (bad) => {
    const session = createSession({ refresh, origins: [ctx.server.origin] });
    for (const tokens of [{ accessToken: bad }, { accessToken: 'fine', refreshToken: bad }]) {
      const field = tokens.refreshToken ? 'refreshToken' : 'accessToken';
      const viaSet = (() => {
        try {
          session.setTokens(tokens);
        } catch (e) {
          return e;
        }
      })();
      const viaOptions = (() => {
        try {
          createSession({ refresh, origins: [ctx.server.origin], tokens });
        } catch (e) {
          return e;
        }
      })();
      for (const error of [viaSet, viaOptions]) {
        expect(InvalidTokensError.is(error)).toBe(true);
        expect((error as Error).message).toContain(field);
        expect(textOf(error)).not.toContain(MARK);
      }
    }
    expect(session.getStatus()).toBe('signed-out');
  });

  it('a stored CR/LF token is ignored with a warning; the session starts signed out', async () => {
    const storage: TokenStorage = { load: () => ({ accessToken: UNSAFE[0]! }), save: () => {} };
    const { session, warnings } = sessionFor(ctx.server, undefined, { storage });
    await Promise.resolve();
    expect(session.getAccessToken()).toBeNull();
    expect(warnings().map((w) => w.code)).toEqual(['stored-tokens-invalid']);
    expect(textOf(warnings()[0])).not.toContain(MARK);
  });

  it('reauthenticate resolving a CR/LF token ends the session (reauth-failed) without showing the token', async () => {
    const { session } = sessionFor(ctx.server, ctx.tokens, {
      reauthenticate: async () => ({ accessToken: UNSAFE[0]! }),
    });
    ctx.server.expireAccessTokens();
    ctx.server.revokeRefreshTokens();
    const error = await session.fetch(`${ctx.server.origin}/api/data`).catch((e: unknown) => e);
    expect(SessionExpiredError.is(error) && error.reason).toBe('reauth-failed');
    expect(InvalidTokensError.is((error as Error).cause)).toBe(true);
    expect(textOf(error)).not.toContain(MARK);
    expect(session.getStatus()).toBe('expired');
  });

  it('accepts every visible ASCII character (JWTs, opaque and base64 tokens)', () => {
    const session = createSession({ refresh, origins: [ctx.server.origin] });
    const visible = Array.from({ length: 94 }, (_, i) => String.fromCharCode(33 + i)).join('');
    session.setTokens({ accessToken: visible, refreshToken: visible });
    expect(session.getAccessToken()).toBe(visible);
  });
});
