import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { type DemoConfig, parseDuration } from '../src/config.js';

const base: DemoConfig = {
  host: '127.0.0.1',
  port: 0,
  accessTtlMs: 60_000,
  refreshTtlMs: 86_400_000,
  reuseIntervalMs: 0,
  debug: true,
  dbFile: ':memory:',
  clientDir: undefined,
};

async function start(config: Partial<DemoConfig> = {}) {
  const { app } = await buildApp({ ...base, ...config });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const post = (path: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(`${origin}${path}`, {
      method: 'POST',
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      body: body === undefined ? null : typeof body === 'string' ? body : JSON.stringify(body),
    });
  const login = async (mode: 'body' | 'cookie' = 'body') =>
    post('/auth/login', { email: 'demo@example.com', password: 'demo-password', mode });
  return { app, origin, post, login };
}

describe('demo server', () => {
  let s: Awaited<ReturnType<typeof start>>;
  beforeAll(async () => {
    s = await start();
  });
  afterAll(() => s.app.close());

  it('logs in (body mode) and serves the profile with the access token', async () => {
    const res = await s.login('body');
    expect(res.status).toBe(200);
    const tokens = (await res.json()) as { accessToken: string; refreshToken: string; expiresIn: number };
    expect(tokens.expiresIn).toBe(60);
    const profile = await fetch(`${s.origin}/api/profile`, {
      headers: { authorization: `Bearer ${tokens.accessToken}` },
    });
    expect(await profile.json()).toMatchObject({ email: 'demo@example.com', bio: expect.any(String) });
  });

  it('cookie mode: the refresh token travels only in an httpOnly, SameSite=Strict cookie scoped to /auth', async () => {
    const res = await s.login('cookie');
    const body = (await res.json()) as Record<string, unknown>;
    expect(body.refreshToken).toBeUndefined();
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^ep_refresh=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).toMatch(/Path=\/auth/);
    const refreshed = await s.post('/auth/refresh', undefined, { cookie: cookie.split(';')[0]! });
    expect(refreshed.status).toBe(200);
    expect(refreshed.headers.get('set-cookie')).not.toBe(cookie);
  });

  it('rotates refresh tokens and revokes the whole family when a spent one is presented again', async () => {
    await s.post('/api/debug/reset');
    const first = (await (await s.login()).json()) as { refreshToken: string };
    const second = (await (await s.post('/auth/refresh', { refreshToken: first.refreshToken })).json()) as {
      refreshToken: string;
      accessToken: string;
    };
    expect(second.refreshToken).not.toBe(first.refreshToken);
    const reused = await s.post('/auth/refresh', { refreshToken: first.refreshToken });
    expect(reused.status).toBe(401);
    expect(await reused.json()).toMatchObject({ error: 'token_reused' });
    // The legitimate newest token died with its family.
    const after = await s.post('/auth/refresh', { refreshToken: second.refreshToken });
    expect(await after.json()).toMatchObject({ error: 'token_revoked' });
    const stats = await (await fetch(`${s.origin}/api/debug/stats`)).json();
    expect(stats).toEqual({ refreshCalls: 3, reuseDetected: 1, logins: 1 });
  });

  it('REUSE_INTERVAL: a spent refresh token presented again within it gets the current tokens, no logout', async () => {
    const lenient = await start({ reuseIntervalMs: 10_000 });
    try {
      const first = (await (await lenient.login()).json()) as { refreshToken: string };
      const rotated = await (
        await lenient.post('/auth/refresh', { refreshToken: first.refreshToken })
      ).json();
      const again = await lenient.post('/auth/refresh', { refreshToken: first.refreshToken });
      expect(again.status).toBe(200);
      expect(await again.json()).toEqual(rotated);
      const stats = await (await fetch(`${lenient.origin}/api/debug/stats`)).json();
      expect(stats).toMatchObject({ refreshCalls: 2, reuseDetected: 0 });
    } finally {
      await lenient.app.close();
    }
  });

  it('logout ends the session at once: its access token is refused, its refresh token too', async () => {
    const { accessToken, refreshToken } = (await (await s.login()).json()) as {
      accessToken: string;
      refreshToken: string;
    };
    const auth = { authorization: `Bearer ${accessToken}` };
    expect((await fetch(`${s.origin}/api/profile`, { headers: auth })).status).toBe(200);
    expect((await s.post('/auth/logout', { refreshToken })).status).toBe(200);
    const after = await fetch(`${s.origin}/api/profile`, { headers: auth });
    expect(after.status).toBe(401);
    expect(await after.json()).toMatchObject({ message: expect.stringMatching(/revoked/) });
    expect(await (await s.post('/auth/refresh', { refreshToken })).json()).toMatchObject({
      error: 'token_revoked',
    });
  });

  it('401s carry WWW-Authenticate and a clear body: no token, forged token, invalidated token', async () => {
    const { accessToken } = (await (await s.login()).json()) as { accessToken: string };
    const [head, payload, signature] = accessToken.split('.');
    const forged = `${head}.${payload}.${signature!.slice(0, -4)}AAAA`;
    for (const [auth, message] of [
      [undefined, 'No bearer access token'],
      [`Bearer ${forged}`, 'The access token is malformed or its signature is invalid'],
      ['Bearer not-a-jwt', 'The access token is malformed or its signature is invalid'],
    ] as const) {
      const res = await fetch(`${s.origin}/api/profile`, { headers: auth ? { authorization: auth } : {} });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
      expect(await res.json()).toEqual({ error: 'invalid_token', message });
    }
    await s.post('/api/debug/expire-access');
    const res = await fetch(`${s.origin}/api/profile`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(await res.json()).toEqual({
      error: 'invalid_token',
      message: 'The access token has been invalidated',
    });
  });

  it('bad input is a 4xx with a clear body, never a 500', async () => {
    const cases: Array<[Response, number, RegExp]> = [
      [await s.post('/auth/login', '{"email": '), 400, /JSON/i],
      [await s.post('/auth/login', { email: 'demo@example.com' }), 400, /password/],
      [
        await s.post('/auth/login', { email: 'demo@example.com', password: 'wrong' }),
        401,
        /Wrong email or password/,
      ],
      [
        await s.post('/auth/login', { email: 'nobody@example.com', password: 'x' }),
        401,
        /Wrong email or password/,
      ],
      [await s.post('/auth/login', { email: 42, password: [] }), 400, /email/],
      [await s.post('/auth/refresh', { refreshToken: 'garbage' }), 401, /cannot be used/],
      [await s.post('/auth/refresh'), 400, /No refresh token/],
      [await s.post('/auth/refresh', '[1,2'), 400, /JSON/i],
      [await s.post('/api/profile/save', { bio: 'x' }), 401, /No bearer/],
    ];
    for (const [res, status, message] of cases) {
      expect(res.status).toBe(status);
      expect(((await res.json()) as { message: string }).message).toMatch(message);
    }
    const { accessToken } = (await (await s.login()).json()) as { accessToken: string };
    const auth = { authorization: `Bearer ${accessToken}` };
    const bad = await s.post('/api/profile/save', { bio: 12 }, auth);
    expect(bad.status).toBe(400);
    const saved = await s.post('/api/profile/save', { bio: 'kept ✍️' }, auth);
    expect(await saved.json()).toMatchObject({ ok: true, bio: 'kept ✍️' });
  });

  it('expired access tokens are refused as expired', async () => {
    const short = await start({ accessTtlMs: 1_000 });
    try {
      const { accessToken } = (await (await short.login()).json()) as { accessToken: string };
      await new Promise((r) => setTimeout(r, 2_100));
      const res = await fetch(`${short.origin}/api/profile`, {
        headers: { authorization: `Bearer ${accessToken}` },
      });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: 'invalid_token', message: 'The access token expired' });
    } finally {
      await short.app.close();
    }
  });

  it('has no debug routes unless DEMO_DEBUG=1', async () => {
    const plain = await start({ debug: false });
    try {
      expect((await fetch(`${plain.origin}/api/debug/stats`)).status).toBe(404);
      expect((await plain.post('/api/debug/revoke')).status).toBe(404);
    } finally {
      await plain.app.close();
    }
  });

  it('parses ACCESS_TTL like 30s, 15m, 500ms', () => {
    expect(parseDuration('30s', 'x')).toBe(30_000);
    expect(parseDuration('15m', 'x')).toBe(900_000);
    expect(parseDuration('500ms', 'x')).toBe(500);
    expect(parseDuration('45', 'x')).toBe(45_000);
    expect(() => parseDuration('soon', 'ACCESS_TTL')).toThrow(/ACCESS_TTL/);
  });
});
