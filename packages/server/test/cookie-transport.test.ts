import { describe, expect, it } from 'vitest';
import { createAuthHandler, createTokenService } from '../src/index.js';
import { createSqliteStore } from '../src/sqlite.js';
import { type AuthWorld, cookieHeader, type Reply, startAuthWorld } from './auth-world.js';
import { manualClock, SECRET, USER } from './helpers.js';

const COOKIE_MODE = { refreshTokenIn: 'cookie' } as const;

/** The refresh and CSRF cookies a token answer set. */
function session(reply: Reply) {
  const refresh = reply.cookies.get('refresh_token');
  const csrf = reply.cookies.get('csrf');
  if (reply.status !== 200 || !refresh || !csrf) throw new Error(`no session: ${reply.status} ${reply.text}`);
  return { refresh, csrf, body: JSON.parse(reply.text) as Record<string, unknown> };
}

/** What a page on the server's own origin sends to refresh or log out. */
const sameOrigin = (world: AuthWorld, refresh: string, csrf: string) => ({
  origin: world.origin,
  'x-csrf-token': csrf,
  cookie: cookieHeader({ refresh_token: refresh, csrf }),
});

describe('refresh token in a cookie', () => {
  it('login: HttpOnly, SameSite=Strict, Path=basePath refresh cookie, a readable csrf cookie, no token in the body', async () => {
    const world = await startAuthWorld({ auth: COOKIE_MODE });
    const reply = await world.login();
    const { refresh, csrf, body } = session(reply);

    expect(refresh.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(refresh.attributes.get('httponly')).toBe(true);
    expect(refresh.attributes.get('samesite')).toBe('Strict');
    expect(refresh.attributes.get('path')).toBe('/auth');
    expect(refresh.attributes.get('max-age')).toBe('3600'); // the service's refreshTtl
    expect(refresh.attributes.has('secure')).toBe(false); // plain http, no trusted proxy

    expect(csrf.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(csrf.attributes.has('httponly')).toBe(false); // the page reads it to echo it
    expect(csrf.attributes.get('samesite')).toBe('Strict');
    expect(csrf.attributes.get('path')).toBe('/');

    expect(Object.keys(body).sort()).toEqual(['accessToken', 'expiresAt', 'expiresIn', 'tokenType']);
    expect(reply.text).not.toContain(refresh.value);
    expect((await world.me(body.accessToken as string)).status).toBe(200);
  });

  it('refresh: reads the cookie, rotates, sets the next one; the body never holds it; a racer gets the same cookie', async () => {
    const world = await startAuthWorld({ auth: COOKIE_MODE });
    const first = session(await world.login());
    const headers = sameOrigin(world, first.refresh.value, first.csrf.value);

    const rotated = await world.post('/auth/refresh', undefined, headers);
    const next = session(rotated);
    expect(next.refresh.value).not.toBe(first.refresh.value);
    expect(next.refresh.attributes.get('httponly')).toBe(true);
    expect(next.csrf.value).toBe(first.csrf.value); // kept: another tab still holds it
    expect(Object.keys(next.body)).not.toContain('refreshToken');
    expect(rotated.text).not.toContain(next.refresh.value);

    // A second tab presenting the same (now spent) cookie within the reuse interval: the same answer.
    const racer = session(await world.post('/auth/refresh', undefined, headers));
    expect(racer.refresh.value).toBe(next.refresh.value);
    expect(world.count('rotated')).toBe(1);
    expect(world.count('revoked')).toBe(0);
  });

  it('Secure when the request URL is https (the handler called as a fetch-style runtime would)', async () => {
    const store = createSqliteStore({ filename: ':memory:' });
    const tokens = createTokenService({
      store,
      keys: [{ kid: 'k1', alg: 'HS256', secret: SECRET }],
      accessTtl: 60_000,
      refreshTtl: 3_600_000,
    });
    const auth = createAuthHandler({
      tokens,
      refreshTokenIn: 'cookie',
      verifyPassword: ({ password }) => (password === USER.password ? USER.subject : null),
    });
    const login = await auth(
      new Request('https://app.example/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: USER.username, password: USER.password }),
      }),
    );
    const cookies = login.headers.getSetCookie();
    expect(cookies).toHaveLength(2);
    for (const cookie of cookies) expect(cookie).toMatch(/; Secure(;|$)/);
    store.close();
  });

  it('X-Forwarded-Proto: https sets Secure only with trustProxy', async () => {
    const forwarded = { 'x-forwarded-proto': 'https' };
    const untrusting = await startAuthWorld({ auth: COOKIE_MODE });
    const ignored = session(await untrusting.login(USER.username, USER.password, forwarded));
    expect(ignored.refresh.attributes.has('secure')).toBe(false);
    expect(ignored.csrf.attributes.has('secure')).toBe(false);

    const trusting = await startAuthWorld({ auth: { ...COOKIE_MODE, trustProxy: true } });
    const plain = session(await trusting.login());
    expect(plain.refresh.attributes.has('secure')).toBe(false); // the proxy said nothing: http
    const behindHttps = session(await trusting.login(USER.username, USER.password, forwarded));
    expect(behindHttps.refresh.attributes.get('secure')).toBe(true);
    expect(behindHttps.csrf.attributes.get('secure')).toBe(true);
    // The same origin, as the browser saw it behind the proxy: https.
    const origin = trusting.origin.replace('http:', 'https:');
    const refreshed = await trusting.post('/auth/refresh', undefined, {
      ...forwarded,
      origin,
      'x-csrf-token': behindHttps.csrf.value,
      cookie: cookieHeader({ refresh_token: behindHttps.refresh.value, csrf: behindHttps.csrf.value }),
    });
    expect(session(refreshed).refresh.attributes.get('secure')).toBe(true);
  });

  it('logout clears both cookies and revokes the family; the old cookie and access token are refused', async () => {
    const world = await startAuthWorld({ auth: COOKIE_MODE });
    const { refresh, csrf, body } = session(await world.login());
    const headers = sameOrigin(world, refresh.value, csrf.value);

    const out = await world.post('/auth/logout', undefined, headers);
    expect(out.status).toBe(204);
    for (const name of ['refresh_token', 'csrf']) {
      const cleared = out.cookies.get(name);
      expect(cleared?.value, name).toBe('');
      expect(cleared?.attributes.get('max-age')).toBe('0');
      expect(cleared?.attributes.get('path')).toBe(name === 'csrf' ? '/' : '/auth');
    }
    expect(world.count('logout')).toBe(1);
    expect((await world.me(body.accessToken as string)).status).toBe(401);

    const again = await world.post('/auth/refresh', undefined, headers);
    expect(again.status).toBe(400);
    expect(JSON.parse(again.text)).toMatchObject({ error: 'invalid_grant', reason: 'revoked' });
    expect(again.cookies.get('refresh_token')?.attributes.get('max-age')).toBe('0'); // dropped for good
  });

  it('a reused cookie outside the interval is refused and cleared, without echoing it', async () => {
    const clock = manualClock();
    const world = await startAuthWorld({ auth: COOKIE_MODE, clock: clock.read });
    const first = session(await world.login());
    const headers = sameOrigin(world, first.refresh.value, first.csrf.value);
    expect((await world.post('/auth/refresh', undefined, headers)).status).toBe(200);
    clock.advance(10_000);
    const reused = await world.post('/auth/refresh', undefined, headers);
    expect(reused.status).toBe(400);
    expect(JSON.parse(reused.text)).toMatchObject({ reason: 'reused' });
    expect(reused.cookies.get('refresh_token')?.value).toBe('');
    expect(reused.text).not.toContain(first.refresh.value);
  });

  it('body mode (the default) is unchanged: the token in the body, no cookies', async () => {
    const world = await startAuthWorld();
    const reply = await world.login();
    expect(reply.status).toBe(200);
    expect(reply.cookies.size).toBe(0);
    expect(JSON.parse(reply.text)).toHaveProperty('refreshToken');
  });
});
