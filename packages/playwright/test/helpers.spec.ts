import { delay, dropConnection, expect, expireToken, recordTraffic, rejectWith, test } from '../src/index.js';

const BIO = 'typed before the token died';

async function signIn(page: import('@playwright/test').Page, base: '' | '/lazy') {
  await page.goto(`${base}/login`);
  await page.fill('input[name=email]', 'demo@example.com');
  await page.fill('input[name=password]', 'demo-password');
  await page.click('button[type=submit]');
  await page.waitForURL(`**${base}/settings/profile`);
  await page.waitForLoadState('networkidle');
  await page.fill('#bio', BIO);
}

test.describe('chaos helpers and traffic matchers on the resilient demo', () => {
  test('expireToken({ times: 1 }): the save gets 401, one refresh, a successful replay, no trip to /login', async ({
    page,
    chaos,
    traffic,
  }) => {
    await signIn(page, '');
    traffic.clear();
    const strip = await chaos.expireToken('**/api/profile/save', { times: 1 });
    await page.click('#save-btn');
    await expect(page.locator('.success-message')).toBeVisible();
    await traffic.settled();
    expect(strip.hits).toBe(1);
    expect(traffic).toHaveReplayed('**/api/profile/save');
    expect(traffic).toHaveRefreshedTimes(1);
    expect(traffic).toHaveStayedOn('**/settings/profile');
    // And each matcher fails when its claim is false.
    expect(() => expect(traffic).toHaveRefreshedTimes(2)).toThrow(/expected 2 refresh call\(s\).*saw 1/s);
    expect(() => expect(traffic).not.toHaveReplayed('**/api/profile/save')).toThrow(
      /expected no successful replay/,
    );
    expect(() => expect(traffic).toHaveReplayed('**/api/profile')).toThrow(/to be replayed successfully/);
    expect(() => expect(traffic).toHaveStayedOn('**/dashboard')).toThrow(/went to/);
  });

  test('expireToken() with no times: the current token dies for every call; the dashboard needs one refresh', async ({
    page,
    chaos,
    traffic,
  }) => {
    await signIn(page, '');
    await chaos.expireToken('**/api/**');
    await page.goto('/dashboard');
    await expect(page.locator('[data-panel].loaded')).toHaveCount(6);
    await traffic.settled();
    expect(traffic).toHaveRefreshedTimes(1);
    expect(traffic.matching('**/api/dashboard/*').filter((e) => e.status === 401)).toHaveLength(6);
    expect(traffic).toHaveNeverSentTokenTo('https://status.example.test');
    expect(() => expect(traffic).toHaveNeverSentTokenTo(new URL(page.url()).origin)).toThrow(/carried one/);
  });

  test('rejectWith: a realistic 401 (Bearer challenge, CORS kept) that the app can read cross-origin, and undo()', async ({
    page,
  }) => {
    await signIn(page, '');
    const reject = await rejectWith(page, '**/auth/refresh', 401);
    const crossOrigin = page
      .url()
      .replace('127.0.0.1', 'localhost')
      .replace(/\/settings.*$/, '/auth/refresh');
    const seen = await page.evaluate(async (url) => {
      const res = await fetch(url, { method: 'POST' });
      return { status: res.status, challenge: res.headers.get('www-authenticate'), body: await res.json() };
    }, crossOrigin);
    expect(seen).toEqual({
      status: 401,
      challenge: 'Bearer error="invalid_token"',
      body: { error: 'invalid_token', message: expect.stringContaining('401') },
    });
    expect(reject.hits).toBe(1);
    await reject.undo();
    const after = await page.evaluate(() => fetch('/auth/refresh', { method: 'POST' }).then((r) => r.status));
    expect(after).toBe(200);
    expect(reject.hits).toBe(1);
  });

  test('rejectWith(401) on the refresh endpoint brings up the re-auth dialog over the form', async ({
    page,
    chaos,
  }) => {
    await signIn(page, '');
    await chaos.expireToken('**/api/**');
    await chaos.rejectWith('**/auth/refresh', 401);
    await page.click('#save-btn');
    await expect(page.locator('#reauth-dialog')).toBeVisible();
    await expect(page.locator('#bio')).toHaveValue(BIO);
  });

  test('delay: the refresh is held, and the session shows it is refreshing meanwhile', async ({
    page,
    traffic,
  }) => {
    await signIn(page, '');
    await expireToken(page, '**/api/profile/save', { times: 1 });
    const held = await delay(page, '**/auth/refresh', 1_500);
    await page.click('#save-btn');
    await expect(page.locator('.session-badge')).toHaveAttribute('data-status', 'refreshing');
    await expect(page.locator('.success-message')).toBeVisible();
    await traffic.settled();
    const [refresh] = traffic.matching('**/auth/refresh');
    expect(held.hits).toBe(1);
    expect(refresh!.end! - refresh!.start).toBeGreaterThanOrEqual(1_400);
  });

  test('dropConnection: a refresh lost on the network is retried, the save completes', async ({
    page,
    traffic,
  }) => {
    await signIn(page, '');
    await expireToken(page, '**/api/profile/save', { times: 1 });
    const dropped = await dropConnection(page, '**/auth/refresh', { times: 1 });
    await page.click('#save-btn');
    await expect(page.locator('.success-message')).toBeVisible();
    await traffic.settled();
    expect(dropped.hits).toBe(1);
    expect(traffic.matching('**/auth/refresh').map((e) => e.failure ?? e.status)).toEqual([
      expect.stringMatching(/RESET|failed/i),
      200,
    ]);
  });

  test('teardown survives a handler still running when the test ends', async ({ page, chaos }) => {
    await signIn(page, '');
    await chaos.delay('**/api/**', 5_000);
    void page.click('#save-btn');
    await page.waitForTimeout(100);
  });
});

test.describe('the matchers catch the lazy client', () => {
  test('no replay, no refresh, a trip to /login and a token sent to a third party', async ({
    page,
    chaos,
  }) => {
    const traffic = recordTraffic(page, { refresh: '**/auth/refresh' });
    await signIn(page, '/lazy');
    await chaos.expireToken('**/api/profile/save', { times: 1 });
    await page.click('#save-btn');
    await page.waitForURL('**/lazy/login');
    await traffic.settled();
    expect(() => expect(traffic).toHaveReplayed('**/api/profile/save')).toThrow();
    expect(() => expect(traffic).toHaveRefreshedTimes(1)).toThrow(/saw 0/);
    expect(() => expect(traffic).toHaveStayedOn('**/lazy/settings/profile')).toThrow(/lazy\/login/);
    await page.route('https://status.example.test/**', (route) =>
      route.fulfill({
        status: route.request().method() === 'OPTIONS' ? 204 : 200,
        headers: {
          'access-control-allow-origin': '*',
          'access-control-allow-headers': '*',
          'access-control-allow-methods': 'GET, OPTIONS',
        },
        body: '{"status":"ok"}',
      }),
    );
    await signIn(page, '/lazy');
    await page.goto('/lazy/dashboard');
    await expect(page.locator('[data-widget=status]')).toContainText('ok');
    await traffic.settled();
    expect(() => expect(traffic).toHaveNeverSentTokenTo('https://status.example.test')).toThrow(
      /carried one/,
    );
    traffic.stop();
  });
});

test('bad input to the helpers is a clear TypeError', async ({ page }) => {
  await expect(rejectWith(page, '**/x', 200)).rejects.toThrow(/HTTP error status/);
  await expect(expireToken(page, '**/x', { times: 0 })).rejects.toThrow(/positive whole number/);
  await expect(delay(page, '**/x', -5)).rejects.toThrow(/milliseconds/);
  expect(() => expect({}).toHaveRefreshedTimes(1)).toThrow(/expects the TrafficLog/);
});
