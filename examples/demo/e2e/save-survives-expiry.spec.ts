import { expect, test } from '@playwright/test';
import {
  BIO,
  debug,
  expectSaveSurvived,
  expectTextLost,
  signIn,
  startEditing,
  stripAuthorizationOnce,
} from './demo.js';

test.beforeEach(async ({ request }) => {
  await debug(request).reset();
});

test.describe('the articles’ test: Authorization stripped from the save request mid-flight', () => {
  test('resilient client: the text is kept, the save succeeds, the page never goes to /login', async ({
    page,
    request,
  }) => {
    const visited = await startEditing(page);
    await stripAuthorizationOnce(page, '**/api/profile/save');

    await page.click('#save-btn');

    await expectSaveSurvived(page, visited, request);
    // The text is on the server too: a reload shows it.
    await page.reload();
    await expect(page.locator('#bio')).toHaveValue(BIO);
  });

  test('lazy client fails the same test: it lands on /login and the text is gone', async ({ page }) => {
    await startEditing(page, '/lazy');
    await stripAuthorizationOnce(page, '**/api/profile/save');

    await page.click('#save-btn');

    await expectTextLost(page);
  });
});

test('dashboard with an expired token: every panel loads after exactly one refresh', async ({
  page,
  request,
}) => {
  await signIn(page, '');
  await debug(request).expireAccessTokens();
  await debug(request).reset();

  await page.goto('/dashboard');

  await expect(page.locator('[data-panel].loaded')).toHaveCount(6);
  await expect(page.locator('[data-panel].failed')).toHaveCount(0);
  expect(await debug(request).stats()).toMatchObject({ refreshCalls: 1, reuseDetected: 0 });
});

test('lazy dashboard with an expired token is thrown back to /login', async ({ page, request }) => {
  await signIn(page, '/lazy');
  await debug(request).expireAccessTokens();
  await page.goto('/lazy/dashboard');
  await expect(page).toHaveURL('/lazy/login');
});

test('dead refresh token: the re-auth dialog appears over the form, and the parked save completes after the password', async ({
  page,
  request,
}) => {
  const visited = await startEditing(page);
  await debug(request).revokeRefreshTokens();
  await debug(request).expireAccessTokens();

  await page.click('#save-btn');

  const dialog = page.locator('#reauth-dialog');
  await expect(dialog).toBeVisible();
  await expect(dialog).toHaveAttribute('role', 'dialog');
  await expect(page.locator('#bio')).toHaveValue(BIO);
  await expect(page.locator('.success-message')).toHaveCount(0);
  await dialog.locator('input[type=password]').fill('demo-password');
  await dialog.locator('button[type=submit]').click();

  await expect(dialog).toBeHidden();
  await expect(page.locator('.success-message')).toBeVisible();
  await expect(page.locator('#bio')).toHaveValue(BIO);
  expect(visited).toEqual([]);
  expect(await debug(request).stats()).toMatchObject({ refreshCalls: 1, logins: 2 });
});

test('refresh endpoint answering 503 once: no dialog, no logout, the save completes', async ({
  page,
  request,
}) => {
  const visited = await startEditing(page);
  await debug(request).expireAccessTokens();
  await page.route('**/auth/refresh', (route) => route.fulfill({ status: 503, body: 'maintenance' }), {
    times: 1,
  });

  await page.click('#save-btn');

  await expect(page.locator('.success-message')).toBeVisible();
  await expect(page.locator('#reauth-dialog')).toHaveCount(0);
  await expect(page.locator('#bio')).toHaveValue(BIO);
  await expect(page.locator('.session-badge')).toHaveAttribute('data-status', 'active');
  expect(visited).toEqual([]);
  // The 503 never reached the server: the one refresh it saw is the retry that succeeded.
  expect(await debug(request).stats()).toMatchObject({ refreshCalls: 1, reuseDetected: 0 });
});
