import { expect, type Page, test } from '@playwright/test';
import { debug, startEditing } from './demo.js';

/** Opens the re-auth dialog the real way: the refresh token dies, the access token expires, Save. */
async function openDialog(page: Page, request: Parameters<typeof debug>[0]) {
  await debug(request).reset();
  if (!(await page.locator('#bio').count())) await startEditing(page);
  await debug(request).revokeRefreshTokens();
  await debug(request).expireAccessTokens();
  await page.click('#save-btn');
  const dialog = page.locator('#reauth-dialog');
  await expect(dialog).toBeVisible();
  return dialog;
}

/** Every box in the dialog, and the dialog itself, measured against the viewport. */
const layout = (page: Page) =>
  page.evaluate(() => {
    const dialog = document.getElementById('reauth-dialog')!;
    const box = dialog.getBoundingClientRect();
    const outside = [...dialog.querySelectorAll<HTMLElement>('*')]
      .filter((el) => el.offsetParent !== null)
      .map((el) => ({ el, r: el.getBoundingClientRect() }))
      .filter(({ r }) => r.left < box.left - 0.5 || r.right > box.right + 0.5)
      .map(({ el, r }) => `${el.tagName.toLowerCase()} ${Math.round(r.left)}–${Math.round(r.right)}`);
    return {
      viewport: window.innerWidth,
      left: box.left,
      right: box.right,
      pageWidth: document.documentElement.scrollWidth,
      outside,
    };
  });

for (const width of [320, 375]) {
  test(`the re-auth dialog fits a ${width} px phone: nothing off screen, nothing overflowing`, async ({
    page,
    request,
  }, testInfo) => {
    await page.setViewportSize({ width, height: 640 });
    await startEditing(page);
    // The demo's own page may be wider than a small phone; the dialog must not make it any wider.
    const pageWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    await openDialog(page, request);
    await testInfo.attach(`reauth-dialog-${width}px`, {
      body: await page.screenshot(),
      contentType: 'image/png',
    });
    const seen = await layout(page);
    expect(seen.left).toBeGreaterThanOrEqual(0);
    expect(seen.right).toBeLessThanOrEqual(seen.viewport);
    expect(seen.pageWidth).toBeLessThanOrEqual(pageWidth);
    expect(seen.outside).toEqual([]);
  });
}

test('the dialog’s buttons are styled, and CSS custom properties theme them', async ({ page, request }) => {
  const dialog = await openDialog(page, request);
  const submit = dialog.locator('button[type=submit]');
  const cancel = dialog.locator('button[type=button]');
  const style = (el: typeof submit) =>
    el.evaluate((b) => {
      const s = getComputedStyle(b);
      return {
        background: s.backgroundColor,
        color: s.color,
        radius: s.borderTopLeftRadius,
        height: (b as HTMLElement).offsetHeight,
      };
    });
  // The built-in look: an accent-filled primary button, an outlined secondary one, both at least 40 px tall.
  expect(await style(submit)).toMatchObject({ background: 'rgb(29, 78, 216)', color: 'rgb(255, 255, 255)' });
  expect((await style(cancel)).background).toBe('rgba(0, 0, 0, 0)');
  expect((await style(submit)).height).toBeGreaterThanOrEqual(40);
  // An app's theme, set where apps set it: on :root.
  await page.evaluate(() => {
    const root = document.documentElement.style;
    root.setProperty('--expiryproof-accent', 'rgb(124, 58, 237)');
    root.setProperty('--expiryproof-accent-text', 'rgb(250, 250, 250)');
    root.setProperty('--expiryproof-radius', '0px');
    root.setProperty('--expiryproof-surface', 'rgb(17, 24, 39)');
  });
  expect(await style(submit)).toMatchObject({
    background: 'rgb(124, 58, 237)',
    color: 'rgb(250, 250, 250)',
    radius: '0px',
  });
  expect(await dialog.evaluate((d) => getComputedStyle(d).backgroundColor)).toBe('rgb(17, 24, 39)');
});
