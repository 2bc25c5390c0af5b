import { expect, test } from '@playwright/test';
import { BIO, DEMO, debug } from './demo.js';

test('a draft survives a forced re-login redirect and comes back into #bio', async ({ page, request }) => {
  // The single-sign-on style path: re-authentication leaves the page instead of opening a dialog.
  await page.goto('/login?sso=1');
  await page.fill('input[name=email]', DEMO.email);
  await page.fill('input[name=password]', DEMO.password);
  await page.click('button[type=submit]');
  await expect(page).toHaveURL('/settings/profile');
  await page.waitForLoadState('networkidle');
  await page.fill('#bio', BIO);
  await debug(request).revokeRefreshTokens();
  await debug(request).expireAccessTokens();

  await page.click('#save-btn');

  await expect(page).toHaveURL(/\/login\?next=%2Fsettings%2Fprofile$/);
  await expect(page.locator('#reauth-dialog')).toHaveCount(0);
  await page.fill('input[name=email]', DEMO.email);
  await page.fill('input[name=password]', DEMO.password);
  await page.click('button[type=submit]');
  await expect(page).toHaveURL('/settings/profile');
  await expect(page.locator('#bio')).toHaveValue(BIO);

  // Saving it clears the draft: a reload shows the saved text, from the server.
  await page.click('#save-btn');
  await expect(page.locator('.success-message')).toBeVisible();
  expect(
    await page.evaluate(() => Object.keys(sessionStorage).filter((k) => k.startsWith('expiryproof.draft.'))),
  ).toEqual([]);
  await page.reload();
  await expect(page.locator('#bio')).toHaveValue(BIO);
});

test('the lazy client keeps no draft: the same redirect loses the text', async ({ page, request }) => {
  await page.goto('/lazy/login');
  await page.fill('input[name=email]', DEMO.email);
  await page.fill('input[name=password]', DEMO.password);
  await page.click('button[type=submit]');
  await page.waitForLoadState('networkidle');
  await page.fill('#bio', `${BIO} (lazy)`);
  await debug(request).expireAccessTokens();
  await page.click('#save-btn');
  await expect(page).toHaveURL('/lazy/login');
  await page.fill('input[name=email]', DEMO.email);
  await page.fill('input[name=password]', DEMO.password);
  await page.click('button[type=submit]');
  await expect(page).toHaveURL('/lazy/settings/profile');
  await expect(page.locator('#bio')).not.toHaveValue(`${BIO} (lazy)`);
});
