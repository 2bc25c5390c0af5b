import type { Page } from '@playwright/test';
import type { UrlPattern } from '../../url-pattern.js';
import type { CheckConfig } from '../config/types.js';

export const DEFAULT_TEXT = 'expiryproof was here: a long answer typed for ten minutes before pressing Save.';

export const loginPattern = (config: CheckConfig): UrlPattern => config.loginPage ?? '**/login*';

/**
 * The text a scenario types: unique per run, so a draft the app restores, or an entry an earlier run added
 * to a list, cannot be confused with what this run typed.
 */
export const draftText = (base: string | undefined) =>
  `${base ?? DEFAULT_TEXT} #${Math.random().toString(36).slice(2, 10)}`;

/**
 * Resolves once the page has had no fetch/XHR in flight for `quietMs` (at most `maxMs`). Unlike
 * `networkidle`, this also covers requests a single-page app makes after a client-side navigation.
 */
export async function networkQuiet(page: Page, quietMs = 300, maxMs = 5_000) {
  let inFlight = 0;
  let lastChange = Date.now();
  const isData = (r: { resourceType(): string }) => ['fetch', 'xhr'].includes(r.resourceType());
  const change = (delta: number) => (r: { resourceType(): string }) => {
    if (!isData(r)) return;
    inFlight += delta;
    lastChange = Date.now();
  };
  const up = change(1);
  const down = change(-1);
  page.on('request', up);
  page.on('requestfinished', down);
  page.on('requestfailed', down);
  try {
    const deadline = Date.now() + maxMs;
    while (Date.now() < deadline && (inFlight > 0 || Date.now() - lastChange < quietMs)) {
      await page.waitForTimeout(25).catch(() => {});
    }
  } finally {
    page.off('request', up);
    page.off('requestfinished', down);
    page.off('requestfailed', down);
  }
}

/** Answers a re-auth prompt as a person would. */
export async function answerReauth(page: Page, config: CheckConfig) {
  const reauth = config.reauth!;
  for (const [selector, value] of Object.entries(reauth.fields)) await page.fill(selector, value);
  await page.click(reauth.submit);
}

/** Whether the page's renderer still answers within `ms` (a page stuck in a loop does not). */
export async function responsive(page: Page, ms = 2_000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const answered = await Promise.race([
    page.evaluate('1').then(
      () => true,
      () => true, // a closed or navigating page is not a frozen one
    ),
    new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
    }),
  ]);
  clearTimeout(timer);
  return answered;
}
