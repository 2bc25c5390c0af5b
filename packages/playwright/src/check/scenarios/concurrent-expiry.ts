import { urlMatches } from '../../url-pattern.js';
import { refreshesAfterArming, rejectedAfterArming, requireBite } from '../judge/evidence.js';
import { failed, passed, type Scenario } from '../scenario.js';
import { loginPattern, networkQuiet } from '../steps/page-steps.js';
import { expectSelector } from '../steps/sign-in.js';

/** Many requests are rejected at once: one refresh must serve them all, and every one must succeed. */
export const concurrentExpiry: Scenario = {
  name: 'concurrent-expiry',
  summary: 'Expires the credential, then opens a page that fires several API calls at once.',
  expires: true,
  unavailable: (config) => (config.concurrent ? undefined : 'no `concurrent` page in the config'),
  async run(ctx) {
    const { page, config } = ctx;
    const concurrent = config.concurrent!;
    await ctx.signIn();
    // The page signed in to may still be loading its data: a request of it that left after the token died would
    // take the dead token's rejection (and its refresh) away from the concurrent page this scenario is about.
    await networkQuiet(page);
    if (concurrent.click) await expectSelector(page, concurrent.click, 'concurrent.click');
    await ctx.fault.expireNow();
    ctx.mark('credential expired');
    if (concurrent.click) await page.click(concurrent.click);
    else await page.goto(concurrent.path);
    // Until every part is ready, or the app gives up and goes to its login page.
    const deadline = Date.now() + (config.outcomeTimeout ?? 8) * 1000;
    while (Date.now() < deadline && !urlMatches(loginPattern(config), page.url())) {
      if (
        (await page
          .locator(concurrent.ready)
          .count()
          .catch(() => 0)) >= concurrent.count
      )
        break;
      await page.waitForTimeout(50).catch(() => {});
    }
    await ctx.traffic.settled(2_000);
    ctx.mark('page settled');
    await ctx.snapshot('after');
    requireBite(ctx);
    const ready = await page
      .locator(concurrent.ready)
      .count()
      .catch(() => 0);
    const refreshCalls = refreshesAfterArming(ctx).length;
    const rejected = rejectedAfterArming(ctx);
    // Distinct calls, apart from retries of the same call (a retried call is rejected again with the same URL).
    const distinct = new Set(rejected.map((e) => `${e.method} ${e.url}`)).size;
    const status = rejected[0]?.status ?? ctx.rejects[0];
    const what = `${distinct} concurrent ${status}s`;
    const retries = rejected.length > distinct ? ` (${rejected.length - distinct} more on retries)` : '';
    const metrics = {
      refreshCalls,
      rejected: rejected.length,
      distinctRejected: distinct,
      loaded: ready,
      expected: concurrent.count,
    };
    // The first problem named is the root cause; what followed from it is appended.
    const problems: string[] = [];
    if (refreshCalls === 0) problems.push(`no refresh attempted for ${what}${retries}`);
    if (refreshCalls > 1)
      problems.push(`${refreshCalls} refresh calls for ${what}${retries} (expected 1 shared refresh)`);
    if (urlMatches(loginPattern(config), page.url())) problems.push('sent to the login page');
    else if (ready < concurrent.count)
      problems.push(`only ${ready} of ${concurrent.count} parts of the page loaded after the refresh`);
    if (problems.length) return failed(problems.join('; then '), metrics);
    return passed(`${what} shared 1 refresh; all ${concurrent.count} parts loaded`, metrics);
  },
};
