import { urlMatches } from '../../url-pattern.js';
import { failed, passed, type Scenario } from '../scenario.js';
import { loginPattern, networkQuiet, signIn } from '../steps.js';

/** Many requests fail with 401 at once: one refresh must serve them all, and every one must succeed. */
export const concurrentExpiry: Scenario = {
  name: 'concurrent-expiry',
  summary: 'Expires the token, then opens a page that fires several API calls at once.',
  unavailable: (config) => (config.concurrent ? undefined : 'no `concurrent` page in the config'),
  async run(ctx) {
    const { page, config } = ctx;
    const concurrent = config.concurrent!;
    await signIn(page, config);
    // The page signed in to may still be loading its data: a request of it that left after the token died would
    // take the dead token's 401 (and its refresh) away from the concurrent page this scenario is about.
    await networkQuiet(page);
    await ctx.chaos.expireToken(config.api);
    ctx.mark('token expired');
    await page.goto(concurrent.path);
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
    const ready = await page
      .locator(concurrent.ready)
      .count()
      .catch(() => 0);
    const refreshCalls = ctx.traffic.matching(ctx.traffic.refreshPattern).length;
    const unauthorized = ctx.traffic.matching(config.api).filter((e) => e.status === 401).length;
    const metrics = { refreshCalls, unauthorized, loaded: ready, expected: concurrent.count };
    // The first problem named is the root cause; what followed from it is appended.
    const problems: string[] = [];
    if (refreshCalls === 0) problems.push(`no refresh attempted for ${unauthorized} concurrent 401s`);
    if (refreshCalls > 1) {
      problems.push(
        `${refreshCalls} refresh calls for ${unauthorized} concurrent 401s (expected 1 shared refresh)`,
      );
    }
    if (urlMatches(loginPattern(config), page.url())) problems.push('sent to the login page');
    else if (ready < concurrent.count)
      problems.push(`only ${ready} of ${concurrent.count} parts of the page loaded after the refresh`);
    if (problems.length) return failed(problems.join('; then '), metrics);
    return passed(
      `${unauthorized} concurrent 401s shared 1 refresh; all ${concurrent.count} parts loaded`,
      metrics,
    );
  },
};
