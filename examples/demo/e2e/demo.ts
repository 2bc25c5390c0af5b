import { type APIRequestContext, expect, type Page } from '@playwright/test';

export const DEMO = { email: 'demo@example.com', password: 'demo-password' };
export const BIO = 'I spent fifteen minutes writing this bio, then went for coffee. ☕ Line two.';

/** The demo server's debug levers (DEMO_DEBUG=1). */
export function debug(request: APIRequestContext) {
  const post = async (path: string) => expect((await request.post(`/api/debug/${path}`)).ok()).toBe(true);
  return {
    reset: () => post('reset'),
    /** Every access token issued so far stops working. */
    expireAccessTokens: () => post('expire-access'),
    /** The demo user's refresh tokens die: the next refresh is rejected. */
    revokeRefreshTokens: () => post('revoke'),
    stats: async () =>
      (await (await request.get('/api/debug/stats')).json()) as {
        refreshCalls: number;
        reuseDetected: number;
        logins: number;
      },
  };
}

/** Signs in through the login form of a variant ('' or '/lazy') and lands on its profile page. */
export async function signIn(page: Page, base: '' | '/lazy') {
  await page.goto(`${base}/login`);
  await page.fill('input[name=email]', DEMO.email);
  await page.fill('input[name=password]', DEMO.password);
  // Wait for the profile load itself, so typing is not overwritten by it and a test's server levers act
  // after it. (Not `networkidle`: sign-in navigates inside the single-page app, and that load state was
  // reached on the login page already, so it returns while the profile request is still in flight.)
  const profileLoaded = page.waitForResponse(
    (r) => new URL(r.url()).pathname === '/api/profile' && r.request().method() === 'GET' && r.ok(),
    { timeout: 15_000 },
  );
  await page.click('button[type=submit]');
  await expect(page).toHaveURL(`${base}/settings/profile`);
  await profileLoaded;
}

/** Every path the main frame has been at since this call. */
export function visitedPaths(page: Page): string[] {
  const paths: string[] = [];
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) paths.push(new URL(frame.url()).pathname);
  });
  return paths;
}

/** The articles' chaos: strip Authorization from the next matching request only, so the server answers 401. */
export function stripAuthorizationOnce(page: Page, pattern: string) {
  return page.route(
    pattern,
    async (route) => {
      const headers = { ...route.request().headers() };
      delete headers.authorization;
      await route.continue({ headers });
    },
    { times: 1 },
  );
}

/** Signs in, starts recording navigations, and types the bio: the moment before the story's Save. */
export async function startEditing(page: Page, base: '' | '/lazy' = '') {
  await signIn(page, base);
  const visited = visitedPaths(page);
  await page.fill('#bio', BIO);
  return visited;
}

/** The story's good ending: saved, the text still in the form, never sent to a login page, one refresh, no reuse. */
export async function expectSaveSurvived(page: Page, visited: string[], request: APIRequestContext) {
  await expect(page.locator('.success-message')).toBeVisible();
  await expect(page.locator('#bio')).toHaveValue(BIO);
  await expect(page).toHaveURL('/settings/profile');
  expect(visited.filter((path) => path.endsWith('/login'))).toEqual([]);
  expect(await debug(request).stats()).toMatchObject({ refreshCalls: 1, reuseDetected: 0 });
}

/** The lazy client's ending: on its login page, the typed text gone, nothing saved. */
export async function expectTextLost(page: Page) {
  await expect(page).toHaveURL('/lazy/login');
  await expect(page.locator('#bio')).toHaveCount(0);
  await expect(page.getByText(BIO)).toHaveCount(0);
  await expect(page.locator('.success-message')).toHaveCount(0);
}
