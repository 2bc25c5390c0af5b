import { describe, expect, it } from 'vitest';
import { type AuthWorld, cookieHeader, type Reply, startAuthWorld } from './auth-world.js';

/** A cookie-mode world with one logged-in session. */
async function withSession(auth: { allowedOrigins?: string[] } = {}) {
  const world = await startAuthWorld({ auth: { refreshTokenIn: 'cookie', ...auth } });
  const login = await world.login();
  const refresh = login.cookies.get('refresh_token')?.value;
  const csrf = login.cookies.get('csrf')?.value;
  if (!refresh || !csrf) throw new Error('login set no cookies');
  const cookie = cookieHeader({ refresh_token: refresh, csrf });
  return { world, refresh, csrf, cookie, valid: { origin: world.origin, 'x-csrf-token': csrf, cookie } };
}

/** 403 `{ error: 'csrf', reason }`, carrying no token and setting no cookie. */
function expectRefused(reply: Reply, reason: string, secrets: string[]) {
  expect(reply.status, reply.text).toBe(403);
  expect(JSON.parse(reply.text)).toMatchObject({ error: 'csrf', reason });
  expect(reply.cookies.size).toBe(0);
  for (const secret of secrets)
    expect(`${reply.text}\n${[...reply.headers].join('\n')}`).not.toContain(secret);
}

const without = (headers: Record<string, string>, ...names: string[]) =>
  Object.fromEntries(Object.entries(headers).filter(([name]) => !names.includes(name)));

/** The session still works afterwards: nothing was rotated or revoked by the refused requests. */
async function expectUntouched(world: AuthWorld, valid: Record<string, string>) {
  expect(world.count('rotated')).toBe(0);
  expect(world.count('revoked')).toBe(0);
  expect((await world.post('/auth/refresh', undefined, valid)).status).toBe(200);
}

describe('CSRF on cookie-carried refresh and logout', () => {
  for (const endpoint of ['/auth/refresh', '/auth/logout']) {
    it(`${endpoint}: a same-site page on another port (foreign Origin) is refused`, async () => {
      const { world, refresh, csrf, valid } = await withSession();
      const sameHostOtherPort = world.origin.replace(/:\d+$/, ':1');
      for (const origin of [sameHostOtherPort, 'https://evil.example', 'null']) {
        const reply = await world.post(endpoint, undefined, { ...valid, origin });
        expectRefused(reply, 'origin-not-allowed', [refresh, csrf]);
      }
      // A foreign Referer, with no Origin, is refused the same way.
      const referred = await world.post(endpoint, undefined, {
        ...without(valid, 'origin'),
        referer: `${sameHostOtherPort}/page`,
      });
      expectRefused(referred, 'origin-not-allowed', [refresh, csrf]);
      await expectUntouched(world, valid);
    });

    it(`${endpoint}: no Origin and no Referer is refused`, async () => {
      const { world, refresh, csrf, valid } = await withSession();
      expectRefused(await world.post(endpoint, undefined, without(valid, 'origin')), 'origin-missing', [
        refresh,
        csrf,
      ]);
      await expectUntouched(world, valid);
    });

    it(`${endpoint}: a missing or wrong X-CSRF-Token, or no CSRF cookie, is refused`, async () => {
      const { world, refresh, csrf, valid } = await withSession();
      const secrets = [refresh, csrf];
      expectRefused(
        await world.post(endpoint, undefined, without(valid, 'x-csrf-token')),
        'token-missing',
        secrets,
      );
      const wrong = `${csrf.slice(0, -1)}${csrf.endsWith('A') ? 'B' : 'A'}`;
      expectRefused(
        await world.post(endpoint, undefined, { ...valid, 'x-csrf-token': wrong }),
        'token-mismatch',
        secrets,
      );
      const noCsrfCookie = { ...valid, cookie: cookieHeader({ refresh_token: refresh }) };
      expectRefused(await world.post(endpoint, undefined, noCsrfCookie), 'token-missing', secrets);
      // An attacker's own cookie value with the header matching it, but sent from the wrong origin: refused.
      const forged = {
        origin: 'https://evil.example',
        'x-csrf-token': 'attacker',
        cookie: cookieHeader({ refresh_token: refresh, csrf: 'attacker' }),
      };
      expectRefused(await world.post(endpoint, undefined, forged), 'origin-not-allowed', secrets);
      await expectUntouched(world, valid);
    });
  }

  it('accepted: own Origin, or own Referer without Origin, with the matching header', async () => {
    const { world, valid } = await withSession();
    const byOrigin = await world.post('/auth/refresh', undefined, valid);
    expect(byOrigin.status).toBe(200);
    const next = byOrigin.cookies.get('refresh_token')?.value ?? '';
    const byReferer = await world.post('/auth/refresh', undefined, {
      ...without(valid, 'origin'),
      referer: `${world.origin}/app/page?x=1`,
      cookie: cookieHeader({ refresh_token: next, csrf: valid['x-csrf-token'] }),
    });
    expect(byReferer.status).toBe(200);
    const last = byReferer.cookies.get('refresh_token')?.value ?? '';
    const out = await world.post('/auth/logout', undefined, {
      ...valid,
      cookie: cookieHeader({ refresh_token: last, csrf: valid['x-csrf-token'] }),
    });
    expect(out.status).toBe(204);
    expect(world.count('logout')).toBe(1);
  });

  it('allowedOrigins replaces the default: the listed origin passes, the own one no longer does', async () => {
    const { world, refresh, csrf, valid } = await withSession({
      allowedOrigins: ['https://App.example:443'],
    });
    expectRefused(await world.post('/auth/refresh', undefined, valid), 'origin-not-allowed', [refresh, csrf]);
    const allowed = await world.post('/auth/refresh', undefined, { ...valid, origin: 'https://app.example' });
    expect(allowed.status).toBe(200);
  });
});
