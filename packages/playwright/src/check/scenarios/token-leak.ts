import type { Request } from '@playwright/test';
import { urlMatches } from '../../url-pattern.js';
import { describeCredential, readCredential } from '../discover/credential.js';
import { failed, inconclusive, passed, type Scenario } from '../scenario.js';
import { networkQuiet } from '../steps/page-steps.js';

/** The app calls a third-party origin through the same client: the credential must not go along. */
export const tokenLeak: Scenario = {
  name: 'token-leak',
  summary: 'Opens a page that calls a third-party origin and checks those requests for the credential.',
  expires: false,
  unavailable: (config) => (config.thirdParty ? undefined : 'no `thirdParty` page in the config'),
  async run(ctx) {
    const { page, config } = ctx;
    const { path, pattern } = config.thirdParty!;
    const credential = ctx.discovery.credential;
    // What each third-party request carried, judged in memory (values are never kept or shown).
    const seen: { origin: string; leaked: boolean }[] = [];
    const carries = async (request: Request) => {
      const headers = await request.allHeaders().catch(() => request.headers());
      const sent = { method: request.method(), url: request.url(), headers };
      const bearer = /^bearer\s/i.test(headers.authorization ?? '');
      return bearer || (credential !== undefined && readCredential(credential, sent) !== undefined);
    };
    // Answers for the third party (it may not exist here), allowing any header so a leak is not hidden by CORS.
    await page.route(
      (url) => urlMatches(pattern, url),
      async (route) => {
        const request = route.request();
        const origin = request.headers().origin ?? '*';
        const cors = {
          'access-control-allow-origin': origin,
          'access-control-allow-credentials': 'true',
          'access-control-allow-headers': request.headers()['access-control-request-headers'] ?? '*',
          'access-control-allow-methods': 'GET, POST, PUT, PATCH, DELETE, OPTIONS',
        };
        if (request.method() === 'OPTIONS') return route.fulfill({ status: 204, headers: cors });
        seen.push({ origin: new URL(request.url()).origin, leaked: await carries(request) });
        return route.fulfill({
          status: 200,
          headers: { ...cors, 'content-type': 'application/json' },
          body: '{"status":"ok"}',
        });
      },
    );
    await ctx.signIn();
    await page.goto(path);
    // A page may call the third party late (after renewing its session, after its own data, on a busy
    // machine): wait for it up to 15 s, then for the page to settle.
    const deadline = Date.now() + Math.max(15, config.outcomeTimeout ?? 8) * 1000;
    while (!seen.length && Date.now() < deadline) await page.waitForTimeout(100).catch(() => {});
    await networkQuiet(page, 300, 3_000);
    await ctx.traffic.settled(2_000);
    await ctx.snapshot('after');
    const leaks = seen.filter((s) => s.leaked);
    const origins = [...new Set(seen.map((s) => s.origin))].join(', ');
    const metrics = { thirdPartyCalls: seen.length, withCredential: leaks.length };
    const what = credential ? `the credential (${describeCredential(credential)})` : 'a bearer token';
    if (seen.length === 0)
      return inconclusive(`no request to ${String(pattern)} was seen on ${path}: nothing to judge`, metrics);
    if (leaks.length)
      return failed(
        `sent ${what} to a third party (${origins}) in ${leaks.length} of ${seen.length} request(s)`,
        metrics,
      );
    return passed(`${seen.length} request(s) to ${origins} carried no credential`, metrics);
  },
};
