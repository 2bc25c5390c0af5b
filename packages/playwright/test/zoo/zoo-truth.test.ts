import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium } from '@playwright/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumLaunchOptions } from '../../src/browser.js';
import { zooApp } from './apps.js';
import { startThirdParty, startZooApp } from './server/index.js';
import { ZOO_USER } from './types.js';

let browser: Browser;

beforeAll(async () => {
  browser = await chromium.launch(chromiumLaunchOptions());
}, 60_000);
afterAll(() => browser?.close());

describe('the zoo', () => {
  it('bundles the client and renders every page of an app in Chromium', async () => {
    const third = await startThirdParty();
    const zoo = await startZooApp(zooApp('cookies+csrf/correct'), {
      accessTtlMs: 60_000,
      thirdPartyOrigin: third.origin,
    });
    const context = await browser.newContext({ baseURL: zoo.origin });
    try {
      const page = await context.newPage();
      await page.goto('/login');
      await page.fill('input[name=email]', ZOO_USER.email);
      await page.fill('input[name=password]', ZOO_USER.password);
      await page.click('button[type=submit]');
      await page.waitForURL('**/notes');
      await page.locator('#notes.loaded').waitFor({ state: 'attached' });
      await page.fill('#note', 'rendered');
      await page.click('#save');
      await expect.poll(() => page.locator('.saved').isVisible()).toBe(true);
      await page.screenshot({ path: join(tmpdir(), 'zoo-notes.png') });
      await page.goto('/dashboard');
      await expect.poll(() => page.locator('[data-panel].loaded').count()).toBe(5);
      await page.locator('#status.done').waitFor({ state: 'attached' });
      await page.screenshot({ path: join(tmpdir(), 'zoo-dashboard.png') });
      expect(await page.locator('#status').textContent()).toBe('Status: operational');
      expect(third.seen()).toEqual([{}]);
    } finally {
      await context.close();
      await zoo.close();
      await third.close();
    }
  }, 30_000);
});

describe('the zoo server', () => {
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  const cookiesOf = (response: Response) =>
    Object.fromEntries(
      response.headers.getSetCookie().map((c) => c.split(';')[0]!.split('=') as [string, string]),
    );

  it('answers a missing, an expired and a valid token as the shape says; rotates refresh tokens and detects reuse', async () => {
    const zoo = await startZooApp(zooApp('403-expired/correct'), {
      accessTtlMs: 500,
      thirdPartyOrigin: 'http://localhost:9',
    });
    try {
      const missing = await fetch(`${zoo.origin}/api/me`);
      expect([missing.status, missing.headers.get('www-authenticate')]).toEqual([401, 'Bearer']);
      expect(
        await post(`${zoo.origin}/api/auth/login`, { email: ZOO_USER.email, password: 'nope' }),
      ).toHaveProperty('status', 401);
      const login = await post(`${zoo.origin}/api/auth/login`, ZOO_USER);
      const { accessToken, refreshToken } = (await login.json()) as {
        accessToken: string;
        refreshToken: string;
      };
      const me = (token: string) =>
        fetch(`${zoo.origin}/api/me`, { headers: { authorization: `Bearer ${token}` } });
      expect((await me(accessToken)).status).toBe(200);
      const { accessExpiresAt } = await zoo.control.stats();
      await sleep(accessExpiresAt + 50 - Date.now());
      const expired = await me(accessToken);
      expect([expired.status, await expired.json()]).toEqual([403, { error: 'invalid token' }]);

      const first = await post(`${zoo.origin}/api/auth/refresh`, { refreshToken });
      expect(first.status).toBe(200);
      const rotated = (await first.json()) as { accessToken: string; refreshToken: string };
      expect((await me(rotated.accessToken)).status).toBe(200);
      // The old refresh token again: reuse, the family dies (the rotated one with it).
      expect((await post(`${zoo.origin}/api/auth/refresh`, { refreshToken })).status).toBe(401);
      expect(
        (await post(`${zoo.origin}/api/auth/refresh`, { refreshToken: rotated.refreshToken })).status,
      ).toBe(401);
      expect(await zoo.control.stats()).toMatchObject({
        logins: 1,
        refreshCalls: 3,
        refreshOk: 1,
        reuseDetected: 1,
        rejected: 1,
        missingCredential: 1,
      });
    } finally {
      await zoo.close();
    }
  });

  it('has switches outside /api: refresh 503 once, revoke every refresh, reject everything; and a sign-in limit', async () => {
    const zoo = await startZooApp(zooApp('bearer-ls/correct'), {
      accessTtlMs: 60_000,
      thirdPartyOrigin: 'http://localhost:9',
      loginLimit: 2,
    });
    try {
      const signIn = () => post(`${zoo.origin}/api/auth/login`, ZOO_USER);
      const tokens = (await (await signIn()).json()) as { accessToken: string; refreshToken: string };
      await zoo.control.refresh503Once();
      const unavailable = await post(`${zoo.origin}/api/auth/refresh`, { refreshToken: tokens.refreshToken });
      expect([unavailable.status, unavailable.headers.get('retry-after')]).toEqual([503, '1']);
      const again = await post(`${zoo.origin}/api/auth/refresh`, { refreshToken: tokens.refreshToken });
      expect(again.status).toBe(200);
      const { refreshToken } = (await again.json()) as { refreshToken: string };

      await zoo.control.rejectAll(true);
      const notes = await post(
        `${zoo.origin}/api/notes`,
        { text: 'x' },
        { authorization: `Bearer ${tokens.accessToken}` },
      );
      expect([notes.status, notes.headers.get('www-authenticate')]).toEqual([
        401,
        'Bearer error="invalid_token"',
      ]);
      await zoo.control.rejectAll(false);
      expect(
        (
          await post(
            `${zoo.origin}/api/notes`,
            { text: 'x' },
            { authorization: `Bearer ${tokens.accessToken}` },
          )
        ).status,
      ).toBe(201);

      await zoo.control.revokeRefresh();
      expect(await (await post(`${zoo.origin}/api/auth/refresh`, { refreshToken })).json()).toEqual({
        error: 'invalid_grant',
      });
      expect(await zoo.control.stats()).toMatchObject({ notePosts: 2, notes: ['x'], reuseDetected: 0 });

      expect((await signIn()).status).toBe(200);
      const limited = await signIn();
      expect([limited.status, Number(limited.headers.get('retry-after')) > 0]).toEqual([429, true]);
      await zoo.control.resetStats();
      expect(await zoo.control.stats()).toMatchObject({ logins: 0, notePosts: 0, notes: [] });
    } finally {
      await zoo.close();
    }
  });

  it('with cookies, guards unsafe calls with a double-submit CSRF token', async () => {
    const zoo = await startZooApp(zooApp('cookies+csrf/correct'), {
      accessTtlMs: 60_000,
      thirdPartyOrigin: 'http://localhost:9',
    });
    try {
      const login = await post(`${zoo.origin}/api/auth/login`, ZOO_USER);
      expect(await login.json()).toEqual({ ok: true });
      const jar = cookiesOf(login);
      expect(Object.keys(jar).sort()).toEqual(['access_token', 'csrf_token', 'refresh_token']);
      const cookie = `access_token=${jar.access_token}; csrf_token=${jar.csrf_token}`;
      const refused = await post(`${zoo.origin}/api/notes`, { text: 'x' }, { cookie });
      expect([refused.status, await refused.json()]).toEqual([403, { error: 'csrf' }]);
      const saved = await post(
        `${zoo.origin}/api/notes`,
        { text: 'x' },
        { cookie, 'x-csrf-token': jar.csrf_token! },
      );
      expect(saved.status).toBe(201);
      expect((await fetch(`${zoo.origin}/api/notes`, { headers: { cookie } })).status).toBe(200);
    } finally {
      await zoo.close();
    }
  });

  it('has a third party on another site that answers CORS and records credential headers', async () => {
    const third = await startThirdParty();
    try {
      expect(third.origin).toMatch(/^http:\/\/localhost:\d+$/);
      const preflight = await fetch(`${third.origin}/status`, {
        method: 'OPTIONS',
        headers: { origin: 'http://127.0.0.1:1', 'access-control-request-headers': 'authorization' },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-headers')).toBe('authorization');
      const status = await fetch(`${third.origin}/status`, {
        headers: { origin: 'http://127.0.0.1:1', authorization: 'Bearer t' },
      });
      expect(status.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:1');
      expect(status.headers.get('access-control-allow-credentials')).toBe('true');
      expect(third.seen()).toEqual([{ authorization: 'Bearer t' }]);
      third.clear();
      expect(third.seen()).toEqual([]);
    } finally {
      await third.close();
    }
  });
});
