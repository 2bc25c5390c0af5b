import { type BrowserContext, expect, type Page, test } from '@playwright/test';
import { debug, signIn } from './demo.js';

test.beforeEach(async ({ request }) => {
  await debug(request).reset();
});

/** Signs in on one tab and opens `count - 1` more on the profile page: every tab holds a token. */
async function openTabs(context: BrowserContext, first: Page, count: number): Promise<Page[]> {
  await signIn(first, '');
  const pages = [first];
  for (let i = 1; i < count; i++) {
    const page = await context.newPage();
    await page.goto('/settings/profile');
    await expect(page.locator('.session-badge')).toHaveAttribute('data-status', 'active');
    pages.push(page);
  }
  return pages;
}

for (const count of [3, 10]) {
  test(`${count} tabs with expired tokens load the dashboard at once: one refresh, no reuse, every panel loads`, async ({
    context,
    page,
    request,
  }) => {
    test.setTimeout(60_000);
    const pages = await openTabs(context, page, count);
    await debug(request).expireAccessTokens();
    await debug(request).reset();

    await Promise.all(pages.map((tab) => tab.goto('/dashboard')));

    for (const tab of pages) await expect(tab.locator('[data-panel].loaded')).toHaveCount(6);
    const stats = await debug(request).stats();
    test.info().annotations.push({
      type: 'measured',
      description: `${count} tabs: ${stats.refreshCalls} refresh call(s), ${stats.reuseDetected} reuse detection(s)`,
    });
    console.log(`${count} tabs: refreshCalls=${stats.refreshCalls} reuseDetected=${stats.reuseDetected}`);
    expect(stats).toMatchObject({ refreshCalls: 1, reuseDetected: 0 });
  });
}

test('a logout in one tab signs out the others', async ({ context, page }) => {
  const [first, ...others] = await openTabs(context, page, 3);
  await first!.getByRole('button', { name: 'Sign out' }).click();
  await expect(first!).toHaveURL('/login');
  for (const tab of others) await expect(tab).toHaveURL('/login');
});

test.describe('renewal before the first request needs it', () => {
  async function staleTab(page: Page) {
    await page.clock.install();
    await signIn(page, '');
    // Twenty minutes later (the demo's tokens live ten): no timers fire, so nothing has noticed yet.
    await page.clock.setSystemTime(new Date(Date.now() + 20 * 60_000));
    // Wrapped: an async function would flatten the promise, and the caller must not wait on it yet.
    return { refreshed: page.waitForRequest('**/auth/refresh', { timeout: 5_000 }) };
  }

  async function saveGoesThroughFirstTime(page: Page) {
    const responses: number[] = [];
    page.on('response', (r) => r.url().endsWith('/api/profile/save') && responses.push(r.status()));
    await page.fill('#bio', 'after the break');
    await page.click('#save-btn');
    await expect(page.locator('.success-message')).toBeVisible();
    expect(responses).toEqual([200]);
  }

  test('a tab that becomes visible refreshes at once', async ({ page }) => {
    const { refreshed } = await staleTab(page);
    await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
    await refreshed;
    await saveGoesThroughFirstTime(page);
  });

  test('coming back online refreshes at once', async ({ page, context }) => {
    const { refreshed } = await staleTab(page);
    await context.setOffline(true);
    await context.setOffline(false);
    await refreshed;
    await saveGoesThroughFirstTime(page);
  });

  test('without a trigger nothing refreshes by itself (the triggers are what renews)', async ({ page }) => {
    const { refreshed } = await staleTab(page);
    await expect(refreshed).rejects.toThrow(/Timeout/);
  });
});
