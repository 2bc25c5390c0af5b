import { failed, passed, type Scenario } from '../scenario.js';
import { signIn } from '../steps.js';

/** The app calls a third-party origin through the same client: the bearer token must not go along. */
export const tokenLeak: Scenario = {
  name: 'token-leak',
  summary: 'Opens a page that calls a third-party origin and checks those requests for a bearer token.',
  unavailable: (config) => (config.thirdParty ? undefined : 'no `thirdParty` page in the config'),
  async run(ctx) {
    const { page, config } = ctx;
    const { path, pattern } = config.thirdParty!;
    // Answers for the third party (it may not exist here), allowing any header so a leak is not hidden by CORS.
    await page.route(pattern as string, (route) => {
      const origin = route.request().headers().origin ?? '*';
      const cors = {
        'access-control-allow-origin': origin,
        'access-control-allow-credentials': 'true',
        'access-control-allow-headers': route.request().headers()['access-control-request-headers'] ?? '*',
        'access-control-allow-methods': 'GET, POST, PUT, PATCH, DELETE, OPTIONS',
      };
      if (route.request().method() === 'OPTIONS') return route.fulfill({ status: 204, headers: cors });
      return route.fulfill({
        status: 200,
        headers: { ...cors, 'content-type': 'application/json' },
        body: '{"status":"ok"}',
      });
    });
    await signIn(page, config);
    await page.goto(path);
    await page.waitForLoadState('networkidle').catch(() => {});
    await ctx.traffic.settled(2_000);
    await ctx.snapshot('after');
    const calls = ctx.traffic.matching(pattern).filter((e) => e.method !== 'OPTIONS');
    const leaks = calls.filter((e) => e.bearer);
    const origins = [...new Set(calls.map((e) => new URL(e.url).origin))].join(', ');
    const metrics = { thirdPartyCalls: calls.length, withToken: leaks.length };
    if (calls.length === 0)
      return { status: 'skipped', reason: `no request to ${String(pattern)} was seen on ${path}`, metrics };
    if (leaks.length)
      return failed(
        `sent the bearer token to a third party (${origins}) in ${leaks.length} of ${calls.length} request(s)`,
        metrics,
      );
    return passed(`${calls.length} request(s) to ${origins} carried no token`, metrics);
  },
};
