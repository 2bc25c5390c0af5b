import { createRequire } from 'node:module';
import {
  ConfigurationError,
  createSession,
  ExpiryproofError,
  InvalidTokensError,
  SessionExpiredError,
  type TokenStorage,
  webStorage,
} from '@expiryproof/core';
import { describe, expect, it } from 'vitest';
import { sessionFor, useAuthServer } from './helpers.js';

const ctx = useAuthServer();
const refresh = async () => ({ accessToken: 'x' });

/** A Storage-shaped area backed by a Map (Node has no localStorage); `broken` makes every call throw. */
function memoryArea(broken = false): Storage {
  const map = new Map<string, string>();
  const guard = () => {
    if (broken) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
  };
  return {
    get length() {
      return map.size;
    },
    clear: () => map.clear(),
    key: (i: number) => [...map.keys()][i] ?? null,
    getItem(k: string) {
      guard();
      return map.get(k) ?? null;
    },
    setItem(k: string, v: string) {
      guard();
      map.set(k, v);
    },
    removeItem(k: string) {
      guard();
      map.delete(k);
    },
  };
}

describe('tokens never leak into messages, events or logs', () => {
  it('no token value appears in any error message, event payload or its string form', async () => {
    const seen: string[] = [];
    const { session, events } = sessionFor(ctx.server, ctx.tokens, { reauthenticate: async () => null });
    ctx.server.expireAccessTokens();
    await session.fetch(`${ctx.server.origin}/api/a`);
    const refreshed = [session.getAccessToken()!, ctx.tokens.accessToken, ctx.tokens.refreshToken!];
    ctx.server.expireAccessTokens();
    ctx.server.revokeRefreshTokens();
    const error = (await session.fetch(`${ctx.server.origin}/api/b`).catch((e: unknown) => e)) as Error;
    seen.push(String(error), error.stack ?? '', JSON.stringify(error), String(error.cause));
    for (const event of events) seen.push(JSON.stringify(event.payload), String(event.payload));
    const text = seen.join('\n');
    expect(text.length).toBeGreaterThan(100);
    for (const token of refreshed) expect(text).not.toContain(token);
  });
});

describe('bad input gets a typed error', () => {
  it('rejects unusable options with ConfigurationError', () => {
    expect(() => createSession({} as never)).toThrow(ConfigurationError);
    expect(() => createSession({ refresh })).toThrow(/origins/);
    expect(() => createSession({ refresh, origins: ['not a url'] })).toThrow(ConfigurationError);
    expect(() => createSession({ refresh, origins: ['http://a.test'], refreshTimeout: -1 })).toThrow(
      ConfigurationError,
    );
    expect(() => createSession({ refresh, origins: ['http://a.test'], leeway: Number.NaN })).toThrow(
      ConfigurationError,
    );
  });

  it('rejects token sets without an accessToken with InvalidTokensError, and never echoes their values', () => {
    const session = createSession({ refresh, origins: ['http://a.test'] });
    expect(() => session.setTokens({ accessToken: '' })).toThrow(InvalidTokensError);
    expect(() => session.setTokens({ refreshToken: 'secret-refresh' } as never)).toThrow(InvalidTokensError);
    try {
      session.setTokens({ accessToken: 'secret-access', refreshToken: 42 } as never);
    } catch (error) {
      expect(String(error)).not.toContain('secret-access');
    }
    expect(() => createSession({ refresh, origins: ['http://a.test'], tokens: {} as never })).toThrow(
      InvalidTokensError,
    );
  });

  it('persists through webStorage, and falls back to memory with a warning when storage throws', async () => {
    const area = memoryArea();
    const first = sessionFor(ctx.server, ctx.tokens, { storage: webStorage(area) });
    expect(JSON.parse(area.getItem('expiryproof.tokens')!).accessToken).toBe(ctx.tokens.accessToken);
    const reloaded = sessionFor(ctx.server, undefined, { storage: webStorage(area) });
    expect(reloaded.session.getAccessToken()).toBe(ctx.tokens.accessToken);
    first.session.clear();
    expect(area.getItem('expiryproof.tokens')).toBeNull();

    const broken = sessionFor(ctx.server, undefined, { storage: webStorage(memoryArea(true)) });
    await Promise.resolve();
    broken.session.setTokens(ctx.tokens);
    expect((await broken.session.fetch(`${ctx.server.origin}/api/data`)).status).toBe(200);
    const warnings = broken.events
      .filter((e) => e.type === 'warning')
      .map((e) => (e.payload as { error: { code: string } }).error.code);
    expect(warnings).toEqual(['storage-failed', 'storage-failed']);
  });

  it('ignores stored garbage with a warning instead of failing', async () => {
    const area = memoryArea();
    area.setItem('expiryproof.tokens', '{not json');
    const { session, events } = sessionFor(ctx.server, undefined, { storage: webStorage(area) });
    expect(session.getAccessToken()).toBeNull();
    const storage: TokenStorage = { load: () => ({ accessToken: 5 }) as never, save: () => {} };
    const malformed = sessionFor(ctx.server, undefined, { storage });
    expect(malformed.session.getAccessToken()).toBeNull();
    // Raised while the session was built, delivered once listeners could subscribe.
    await Promise.resolve();
    const codes = (list: typeof events) =>
      list.map((e) => (e.payload as { error: { code: string } }).error.code);
    expect(codes(events)).toEqual(['storage-failed']);
    expect(codes(malformed.events)).toEqual(['stored-tokens-invalid']);
  });
});

describe('error guards work across copies of the library', () => {
  it('recognises an error from the built CJS copy, where instanceof fails', () => {
    const require = createRequire(import.meta.url);
    const dist = require('../dist/index.cjs') as typeof import('@expiryproof/core');
    const foreign = new dist.SessionExpiredError('refresh-rejected');
    expect(foreign instanceof SessionExpiredError).toBe(false);
    expect(SessionExpiredError.is(foreign)).toBe(true);
    expect(ExpiryproofError.is(foreign)).toBe(true);
    expect(InvalidTokensError.is(foreign)).toBe(false);
    expect([foreign, new Error('x')].filter(SessionExpiredError.is)).toHaveLength(1);
    expect(foreign.name).toBe('SessionExpiredError');
    expect(foreign.reason).toBe('refresh-rejected');
  });
});
