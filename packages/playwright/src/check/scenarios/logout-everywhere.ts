import { urlMatches } from '../../url-pattern.js';
import { InconclusiveError } from '../errors.js';
import { describeEntry } from '../judge/evidence.js';
import { failed, passed, type Scenario } from '../scenario.js';
import { loginPattern, networkQuiet } from '../steps/page-steps.js';
import { expectSelector } from '../steps/sign-in.js';
import { closeTabs, openTabs, useTab } from '../steps/tabs.js';

/** Signing out in one tab must not leave another tab working with the old session. */
export const logoutEverywhere: Scenario = {
  name: 'logout-everywhere',
  summary: 'Opens two tabs, signs out in the first, then uses the second.',
  expires: false,
  endsSession: true,
  unavailable: (config) => (config.logout ? undefined : 'no `logout` control in the config'),
  async run(ctx) {
    const { config } = ctx;
    const [first, second] = await openTabs(ctx, 2);
    try {
      await expectSelector(first!.page, config.logout!, 'logout');
      await first!.page.click(config.logout!);
      ctx.mark('signed out in tab 1');
      await networkQuiet(first!.page, 500, 5_000);
      // The other tab is given a moment, as a person switching tabs would: an app that signs every tab out
      // may already have taken it to the login page.
      const onLogin = () => urlMatches(loginPattern(config), second!.page.url());
      const until = Date.now() + 2_000;
      while (!onLogin() && Date.now() < until) await second!.page.waitForTimeout(100).catch(() => {});
      if (onLogin()) {
        await ctx.snapshot('after');
        return passed('signing out in one tab took the other to the login page by itself');
      }
      const from = Date.now();
      await useTab(ctx, second!).catch(async (error: Error) => {
        // The control may have gone with the session (the tab is being signed out): judged below.
        if (!onLogin()) await second!.page.waitForTimeout(1_000).catch(() => {});
        if (!onLogin())
          throw new InconclusiveError(
            `tab 2 could not be used after the sign-out: ${error.message.split('\n')[0]}`,
          );
      });
      ctx.mark('tab 2 used');
      await networkQuiet(second!.page, 500, 5_000);
      await second!.traffic.settled(2_000);
      await ctx.snapshot('after');
      if (onLogin()) return passed('signing out in one tab signed the other out too');
      const calls = second!.traffic.entries.filter(
        (e) =>
          e.start + second!.traffic.startedAt >= from &&
          e.method !== 'OPTIONS' &&
          urlMatches(config.api, e.url) &&
          !urlMatches(config.refresh, e.url),
      );
      if (!calls.length)
        throw new InconclusiveError('tab 2 made no API call after the sign-out, and stayed where it was');
      const working = calls.filter((e) => e.status !== undefined && e.status < 400);
      const evidence = calls.slice(0, 8).map((e) => `tab 2: ${describeEntry(e)}`);
      const metrics = { callsAfterLogout: calls.length, succeeded: working.length };
      if (working.length)
        return failed(
          `after signing out in tab 1, tab 2 kept working with the old session (${working.length} of ${calls.length} call(s) succeeded)`,
          metrics,
          evidence,
        );
      return passed('after signing out in tab 1, every call of tab 2 was refused', metrics, evidence);
    } finally {
      closeTabs([first!, second!]);
    }
  },
};
