import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { bearerChallenge, readBearer } from '../src/index.js';
import { type Answer, manualClock, SECRET, startWorld, USER } from './helpers.js';

describe('RFC 6750 answers', () => {
  it('no token: 401 with a bare Bearer challenge', async () => {
    const world = await startWorld();
    for (const headers of [{}, { authorization: 'Basic dXNlcjpwYXNz' }]) {
      const answer = await world.call('/api/me', { headers });
      expect(answer.status).toBe(401);
      expect(answer.headers.get('www-authenticate')).toBe('Bearer');
    }
  });

  it('expired, forged, garbled or foreign-key tokens: 401 invalid_token, never 403', async () => {
    const clock = manualClock();
    const world = await startWorld({ clock: clock.read, accessTtl: 60_000 });
    const { accessToken } = await world.login();
    const [head, body, signature] = accessToken.split('.');
    const tampered = `${head}.${Buffer.from(
      Buffer.from(body!, 'base64url').toString().replace('user-1', 'user-2'),
    ).toString('base64url')}.${signature}`;
    const now = Math.floor(clock.now / 1000);
    const foreignKid = await new SignJWT({ sid: 'f' })
      .setProtectedHeader({ alg: 'HS256', kid: 'not-ours', typ: 'at+jwt' })
      .setSubject('user-1')
      .setIssuedAt(now)
      .setExpirationTime(now + 60)
      .sign(new TextEncoder().encode(SECRET));
    const noTyp = await new SignJWT({ sid: 'f' })
      .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
      .setSubject('user-1')
      .setIssuedAt(now)
      .setExpirationTime(now + 60)
      .sign(new TextEncoder().encode(SECRET));
    const cases: Array<[string, string]> = [
      ['invalid', tampered],
      ['invalid', foreignKid],
      ['invalid', noTyp],
      ['invalid', 'not-a-jwt'],
      ['invalid', 'a.b.c'],
    ];
    for (const [reason, token] of cases) {
      const answer = await world.me(token);
      expect(answer.status, token).toBe(401);
      expect(answer.headers.get('www-authenticate')).toMatch(
        /^Bearer error="invalid_token", error_description="/,
      );
      expect(JSON.parse(answer.text)).toMatchObject({ error: 'invalid_token', reason });
    }
    const malformed = await world.call('/api/me', { headers: { authorization: 'Bearer a b' } });
    expect(malformed.status).toBe(401);
    expect(malformed.headers.get('www-authenticate')).toContain('error="invalid_token"');

    expect((await world.me(accessToken)).status).toBe(200);
    clock.advance(60_000);
    const expired = await world.me(accessToken);
    expect(expired.status).toBe(401);
    expect(expired.headers.get('www-authenticate')).toBe(
      'Bearer error="invalid_token", error_description="The access token expired"',
    );
    expect(JSON.parse(expired.text)).toMatchObject({ reason: 'expired' });
  });

  it('no error body ever contains a token (raw text), for every failure the endpoints have', async () => {
    const clock = manualClock();
    const world = await startWorld({ clock: clock.read, refreshTtl: 120_000 });
    const secrets: string[] = [];
    const failures: Answer[] = [];
    const login = async () => {
      const tokens = await world.login();
      secrets.push(tokens.accessToken, tokens.refreshToken);
      return tokens;
    };
    const fail = async (answer: Promise<Answer>, status: number) => {
      const got = await answer;
      expect(got.status).toBe(status);
      failures.push(got);
    };

    // unknown (well-formed, and junk that looks like an attack)
    const made = 'A'.repeat(43);
    secrets.push(made, '<script>alert(1)</script>');
    await fail(world.refresh(made), 400);
    await fail(world.refresh('<script>alert(1)</script>'), 400);
    // reused, then revoked
    const a = await login();
    const a1 = JSON.parse((await world.refresh(a.refreshToken)).text);
    secrets.push(a1.accessToken, a1.refreshToken);
    clock.advance(10_000);
    await fail(world.refresh(a.refreshToken), 400);
    await fail(world.refresh(a1.refreshToken), 400);
    await fail(world.me(a1.accessToken), 401);
    // expired refresh and access tokens
    const b = await login();
    clock.advance(120_000);
    await fail(world.refresh(b.refreshToken), 400);
    await fail(world.me(b.accessToken), 401);
    // bad requests carrying tokens
    const c = await login();
    await fail(world.post('/auth/refresh', { refresh_token: c.refreshToken }), 400);
    await fail(world.refresh(c.refreshToken, `bad key ${c.refreshToken}`), 400);
    await fail(world.call('/auth/refresh', { method: 'POST', body: c.refreshToken }), 415);
    await fail(
      world.call('/auth/refresh', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: `{"refreshToken":"${c.refreshToken}"`,
      }),
      400,
    );
    await fail(world.post('/auth/login', { username: USER.username, password: c.refreshToken }), 400);
    await fail(world.call('/api/me', { headers: { authorization: `Bearer ${c.refreshToken} x` } }), 401);

    expect(failures.map((f) => JSON.parse(f.text).reason).filter(Boolean)).toEqual(
      expect.arrayContaining(['unknown', 'reused', 'revoked', 'expired', 'invalid_credentials']),
    );
    for (const failure of failures) {
      const raw = `${failure.text}\n${[...failure.headers].join('\n')}`;
      for (const secret of secrets) expect(raw).not.toContain(secret);
      expect(raw).not.toContain(c.refreshToken);
    }
  });

  it('routes: 404 elsewhere, 405 with Allow for other methods', async () => {
    const world = await startWorld();
    expect((await world.call('/auth/nope')).status).toBe(404);
    const get = await world.call('/auth/refresh');
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
  });

  it('pure helpers: challenges and Authorization parsing', () => {
    expect(bearerChallenge()).toBe('Bearer');
    expect(bearerChallenge({ realm: 'api "v1"' })).toBe('Bearer realm="api \\"v1\\""');
    expect(bearerChallenge({ error: 'invalid_token', description: 'x\ny' })).toBe(
      'Bearer error="invalid_token", error_description="xy"',
    );
    expect(readBearer(null)).toEqual({ kind: 'missing' });
    expect(readBearer('Basic abc')).toEqual({ kind: 'missing' });
    expect(readBearer('bearer abc.def-_~+/==')).toEqual({ kind: 'token', token: 'abc.def-_~+/==' });
    expect(readBearer('Bearer')).toEqual({ kind: 'malformed' });
    expect(readBearer('Bearer a,b')).toEqual({ kind: 'malformed' });
  });
});
