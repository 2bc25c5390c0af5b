import type { Page } from '@playwright/test';
import { recordTraffic, type TrafficLog } from '../../traffic/record-traffic.js';
import { urlMatches } from '../../url-pattern.js';
import { InconclusiveError } from '../errors.js';
import type { ScenarioContext } from '../scenario.js';
import { loginPattern, networkQuiet } from './page-steps.js';
import { expectSelector } from './sign-in.js';

/** One tab of the app and its traffic. */
export interface Tab {
  readonly page: Page;
  readonly traffic: TrafficLog;
  readonly label: string;
}

/**
 * Signs in on the scenario's page and opens more tabs of the same browser on the tabs' page; every tab
 * must be signed in (an app whose session lives in one tab has nothing to race).
 */
export async function openTabs(ctx: ScenarioContext, count: number): Promise<Tab[]> {
  const { config, context } = ctx;
  await ctx.signIn();
  await networkQuiet(ctx.page);
  const path = config.tabs?.path ?? `${new URL(ctx.page.url()).pathname}${new URL(ctx.page.url()).search}`;
  const tabs: Tab[] = [{ page: ctx.page, traffic: ctx.traffic, label: 'tab 1' }];
  if (config.tabs?.path) await ctx.page.goto(path);
  for (let i = 2; i <= count; i++) {
    const page = await context.newPage();
    const traffic = recordTraffic(page, { refresh: config.refresh });
    ctx.fault.track(traffic);
    tabs.push({ page, traffic, label: `tab ${i}` });
    await page.goto(path);
  }
  await Promise.all(tabs.map((tab) => networkQuiet(tab.page)));
  const out = tabs.filter((tab) => urlMatches(loginPattern(config), tab.page.url()));
  if (out.length)
    throw new InconclusiveError(
      `${out.map((t) => t.label).join(', ')} opened on ${path} but landed on the login page: the session does not reach a new tab, so tabs cannot race`,
    );
  if (config.tabs?.click)
    for (const tab of tabs) await expectSelector(tab.page, config.tabs.click, 'tabs.click');
  return tabs;
}

/** Makes a tab call the API: the configured control, or a reload. */
export const useTab = (ctx: ScenarioContext, tab: Tab) =>
  ctx.config.tabs?.click
    ? tab.page.click(ctx.config.tabs.click, { timeout: 3_000 })
    : tab.page.reload().then(() => undefined);

/**
 * Makes every tab call the API at one wall-clock instant. With a control to click, a timer in each tab
 * clicks it at the same moment: Playwright's own clicks go out one tab after another, far enough apart on
 * a busy machine for one tab's refresh to be over before the next tab asks — which hides exactly the race
 * this is about. A reload stays Playwright's (a page's own `location.reload()` would meet its
 * `beforeunload` prompt, which Playwright dismisses: no reload at all), all tabs at once. Resolves once that
 * moment has passed; `late` lists the tabs whose timer was set after it (they acted as soon as they could).
 */
export async function useTabsAtOnce(ctx: ScenarioContext, tabs: Tab[]): Promise<{ late: string[] }> {
  const click = ctx.config.tabs?.click;
  if (!click) {
    await Promise.all(tabs.map((tab) => useTab(ctx, tab)));
    return { late: [] };
  }
  const at = Date.now() + 300 + 200 * tabs.length;
  const waits = await Promise.all(
    tabs.map((tab) =>
      tab.page
        .locator(click)
        .first()
        .evaluate(
          (el, when) => {
            const wait = when - Date.now();
            setTimeout(() => (el as HTMLElement).click(), Math.max(0, wait));
            return wait;
          },
          at,
          { timeout: 3_000 },
        ),
    ),
  );
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now()) + 50));
  return { late: tabs.filter((_, i) => waits[i]! < 0).map((t) => t.label) };
}

/** Stops recording the extra tabs (the first tab's log belongs to the scenario). */
export const closeTabs = (tabs: Tab[]) => {
  for (const tab of tabs.slice(1)) tab.traffic.stop();
};
