import { delay } from '../../chaos/helpers.js';
import type { TrafficEntry } from '../../traffic/record-traffic.js';
import { urlMatches } from '../../url-pattern.js';
import { InconclusiveError } from '../errors.js';
import { describeEntry } from '../judge/evidence.js';
import { anyOverlap, spanOf } from '../judge/overlap.js';
import { failed, passed, type Scenario, type ScenarioContext } from '../scenario.js';
import { loginPattern, networkQuiet } from '../steps/page-steps.js';
import { closeTabs, openTabs, type Tab, useTabsAtOnce } from '../steps/tabs.js';

/** How long each refresh is held on its way to the server during the race: a mobile round trip. */
const REFRESH_LATENCY_MS = 300;

/** Several tabs find the credential expired at once: they must not race each other into a logout. */
export const tabs: Scenario = {
  name: 'tabs',
  summary:
    'Opens several tabs of one browser on the app, expires the credential, and makes every tab call the API at once.',
  expires: true,
  async run(ctx) {
    const open = await openTabs(ctx, ctx.config.tabs?.count ?? 3);
    // On 127.0.0.1 a refresh is answered in a millisecond or two, so one tab's refresh can be over before
    // the next tab asks, and tabs that would race over any real network seem not to. Holding each refresh
    // for a phone's round trip before it reaches the server gives the race the window it really has; the
    // server alone still decides what a second presentation of one refresh token means.
    const latency = await delay(ctx.context, ctx.config.refresh, REFRESH_LATENCY_MS);
    try {
      await ctx.fault.expireNow();
      ctx.mark(`credential expired in all ${open.length} tabs`);
      const from = ctx.fault.armedAt ?? 0;
      // The same moment in every tab, as when a laptop wakes with several tabs open.
      const { late } = await useTabsAtOnce(ctx, open);
      ctx.mark(`every tab called the API${late.length ? ` (${late.join(', ')} late)` : ''}`);
      await settle(ctx, open);
      await ctx.snapshot('after');
      return judge(ctx, open, from);
    } finally {
      closeTabs(open);
      await latency.undo().catch(() => {});
    }
  },
};

async function settle(ctx: ScenarioContext, open: Tab[]) {
  await Promise.all(open.map((tab) => networkQuiet(tab.page, 500, (ctx.config.outcomeTimeout ?? 8) * 1000)));
  await Promise.all(open.map((tab) => tab.traffic.settled(2_000)));
}

/** A tab's API calls after arming, apart from the refresh. */
const callsOf = (ctx: ScenarioContext, tab: Tab, from: number) =>
  tab.traffic.entries.filter(
    (e) =>
      e.start + tab.traffic.startedAt >= ctx.traffic.startedAt + from &&
      e.method !== 'OPTIONS' &&
      (urlMatches(ctx.config.api, e.url) || urlMatches(ctx.config.refresh, e.url)),
  );

function judge(ctx: ScenarioContext, open: Tab[], from: number) {
  const isRefresh = (e: TrafficEntry) => urlMatches(ctx.config.refresh, e.url);
  const perTab = open.map((tab) => ({ tab, calls: callsOf(ctx, tab, from) }));
  const refreshes = perTab.flatMap(({ calls }) => calls.filter(isRefresh));
  const rejected = perTab.flatMap(({ calls }) =>
    calls.filter((e) => !isRefresh(e) && e.status !== undefined && ctx.rejects.includes(e.status)),
  );
  if (!rejected.length && ctx.mode !== 'natural')
    throw new InconclusiveError(
      'the fault never bit: no tab presented the expired credential after it was armed',
    );
  // A tab whose click did nothing (the control re-rendered, or disabled) took no part in the race.
  const idle = perTab.filter(({ calls }) => !calls.some((e) => !isRefresh(e))).map(({ tab }) => tab.label);
  if (idle.length)
    throw new InconclusiveError(
      `${idle.join(', ')} made no API call after the expiry: the tabs did not all take part, so their race was not tested`,
    );
  // A call recovered when the same call later succeeded in the same tab.
  const unrecovered = perTab.flatMap(({ tab, calls }) =>
    calls
      .filter((e) => !isRefresh(e) && (e.status === undefined || e.status >= 400))
      .filter(
        (e) =>
          !calls.some(
            (later) =>
              later.start > e.start &&
              later.method === e.method &&
              later.url === e.url &&
              later.status !== undefined &&
              later.status < 400,
          ),
      )
      .map((e) => `${tab.label}: ${describeEntry(e)}`),
  );
  const onLogin = open
    .filter((tab) => urlMatches(loginPattern(ctx.config), tab.page.url()))
    .map((t) => t.label);
  const refusedRefreshes = refreshes.filter((e) => e.status === undefined || e.status >= 400);
  const metrics = {
    tabs: open.length,
    refreshCalls: refreshes.length,
    refusedRefreshes: refusedRefreshes.length,
    rejected: rejected.length,
    unrecovered: unrecovered.length,
    onLoginPage: onLogin.length,
  };
  // The refreshes first: they are what the tabs raced for.
  const evidence = perTab.flatMap(({ tab, calls }) =>
    [
      ...calls.filter(isRefresh),
      ...calls.filter((e) => !isRefresh(e) && e.status !== undefined && e.status >= 400),
    ]
      .slice(0, 4)
      .map((e) => `${tab.label}: ${describeEntry(e)}`),
  );
  const problems: string[] = [];
  if (refreshes.length > 1 && refusedRefreshes.length)
    problems.push(
      `${refreshes.length} refresh calls from ${open.length} tabs, ${refusedRefreshes.length} refused (the tabs raced with one refresh token)`,
    );
  if (onLogin.length) problems.push(`${onLogin.join(', ')} ended on the login page`);
  if (unrecovered.length)
    problems.push(`${unrecovered.length} call(s) never succeeded (${unrecovered.slice(0, 3).join('; ')})`);
  if (problems.length) return failed(problems.join('; then '), metrics, evidence);
  // Several refreshes, none refused, none overlapping: either the app kept them apart itself (one at a time,
  // each taking the newest token: correct), or the tabs met the expiry one after another and never raced.
  // They raced when every tab had been refused before the first refresh was answered.
  const spans = perTab.flatMap(({ tab, calls }) =>
    calls.filter(isRefresh).map((e) => spanOf(e, tab.traffic.startedAt)),
  );
  if (refreshes.length > 1 && !anyOverlap(spans)) {
    const firstAnswer = Math.min(...spans.map((span) => span.end));
    const late = perTab
      .filter(({ tab, calls }) => {
        const refused = calls.find(
          (e) => !isRefresh(e) && e.status !== undefined && ctx.rejects.includes(e.status),
        );
        return !refused || spanOf(refused, tab.traffic.startedAt).start >= firstAnswer;
      })
      .map(({ tab }) => tab.label);
    if (late.length)
      throw new InconclusiveError(
        `${refreshes.length} refreshes from ${open.length} tabs, one after another, and ${late.join(', ')} met the expired credential only after the first refresh was answered: the tabs did not race, so whether they would survive racing was not tested`,
      );
  }
  return passed(
    refreshes.length === 1
      ? `${open.length} tabs shared 1 refresh; every tab's calls succeeded`
      : `${open.length} tabs recovered with ${refreshes.length} refreshes, none refused; every tab's calls succeeded`,
    metrics,
    evidence,
  );
}
