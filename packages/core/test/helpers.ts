import { type AuthServer, startAuthServer } from '@expiryproof/auth-server';
import {
  createSession,
  HttpStatusError,
  type RefreshContext,
  type SessionOptions,
  type SessionWarning,
  type Tokens,
} from '@expiryproof/core';
import { afterAll, beforeAll, beforeEach } from 'vitest';

/** A `refresh` that calls the real server's rotating refresh endpoint, as an app would. */
export function refreshAt(origin: string, { withExpiresAt = true } = {}) {
  return async ({ refreshToken, fetch, signal, idempotencyKey }: RefreshContext): Promise<Tokens> => {
    const res = await fetch(`${origin}/auth/refresh`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
      body: JSON.stringify({ refreshToken }),
      signal,
    });
    if (!res.ok) throw new HttpStatusError(res.status);
    const body = (await res.json()) as { accessToken: string; refreshToken: string; expiresIn: number };
    return {
      accessToken: body.accessToken,
      refreshToken: body.refreshToken,
      expiresAt: withExpiresAt ? Date.now() + body.expiresIn * 1000 : undefined,
    };
  };
}

/** One real server for the file, reset and logged in again before each test. */
export function useAuthServer(options: Parameters<typeof startAuthServer>[0] = {}) {
  const ctx = {} as { server: AuthServer; tokens: Tokens };
  beforeAll(async () => {
    ctx.server = await startAuthServer(options);
  });
  afterAll(() => ctx.server.close());
  beforeEach(async () => {
    ctx.server.reset();
    const { accessToken, refreshToken } = await ctx.server.login();
    ctx.tokens = { accessToken, refreshToken };
  });
  return ctx;
}

/** A session wired to the server, with its events recorded. */
export function sessionFor(
  server: Pick<AuthServer, 'origin'>,
  tokens: Tokens | undefined,
  options: Partial<SessionOptions> = {},
) {
  const session = createSession({
    tokens,
    origins: [server.origin],
    refresh: refreshAt(server.origin),
    ...options,
  });
  const events: Array<{ type: string; payload: unknown }> = [];
  for (const type of [
    'status',
    'refresh',
    'refresh-error',
    'reauth-required',
    'expired',
    'tokens',
    'warning',
  ] as const) {
    session.on(type, (payload) => events.push({ type, payload }));
  }
  return {
    session,
    events,
    count: (type: string) => events.filter((e) => e.type === type).length,
    /** The warnings emitted so far. */
    warnings: () =>
      events.filter((e) => e.type === 'warning').map((e) => (e.payload as { error: SessionWarning }).error),
  };
}

export interface Echo {
  method: string;
  contentType: string | null;
  length: number;
  base64: string;
}

/** An echo with any multipart boundary (random per serialisation) replaced, so two sends compare equal. */
export function normalizeEcho(echo: Echo): Echo {
  const boundary = echo.contentType?.match(/boundary=(.+)$/)?.[1];
  if (!boundary) return echo;
  const body = Buffer.from(echo.base64, 'base64').toString('latin1').split(boundary).join('BOUNDARY');
  return { ...echo, contentType: echo.contentType!.replace(boundary, 'BOUNDARY'), base64: body, length: 0 };
}
