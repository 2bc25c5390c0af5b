import type { Page } from '@playwright/test';
import { networkQuiet } from '../steps/page-steps.js';
import { LOGIN_PATHS } from './find-login.js';
import { type LinkScan, scanForms, scanNavLinks, scanParts, scanSignOut } from './page-scan.js';
import type { Visit } from './types.js';

/** Pages opened after sign-in at most, the landing page included: enough for the nav of most apps. */
export const MAX_PAGES = 8;
const QUIET_MS = 500;
const QUIET_MAX_MS = 6_000;

const SIGN_OUT = /log\s*-?\s*out|sign\s*-?\s*out|logout|signout/i;
const NOT_A_PAGE = /\.(pdf|zip|gz|png|jpe?g|gif|svg|webp|csv|xlsx?|docx?|mp4|mp3)$/i;

const pathOf = (url: string) => {
  const { pathname, search } = new URL(url);
  return pathname + search;
};

/**
 * Opens the page sign-in landed on and the pages its navigation links to (same origin, never a sign-out or
 * login link), one after the other as a person would — by clicking the link, so an app that keeps its token
 * in memory keeps it — and reads each page's forms and repeated parts once its requests have settled.
 * `from` is when the landing page's requests began to count (the sign-in's submit).
 */
export async function explore(
  page: Page,
  options: { origin: string; loginPath: string; from: number; notes: string[] },
): Promise<Visit[]> {
  await networkQuiet(page, QUIET_MS, QUIET_MAX_MS);
  const landing = await read(page, pathOf(page.url()), undefined, options.from);
  const visits: Visit[] = [landing];
  const skip = new Set<string>([landing.path, options.loginPath, ...LOGIN_PATHS]);
  const links = (await scanNavLinks(page).catch((): LinkScan[] => [])).filter((link) => {
    if (!link.href || SIGN_OUT.test(link.text) || SIGN_OUT.test(link.href)) return false;
    const url = new URL(link.href);
    if (url.origin !== options.origin || NOT_A_PAGE.test(url.pathname)) return false;
    const path = url.pathname + url.search;
    if (skip.has(path) || skip.has(url.pathname)) return false;
    skip.add(path);
    return true;
  });
  for (const link of links.slice(0, MAX_PAGES - 1)) {
    const from = Date.now();
    visits.at(-1)!.to = from;
    const clicked = await openByLink(page, link);
    await networkQuiet(page, QUIET_MS, QUIET_MAX_MS);
    if (new URL(page.url()).pathname === options.loginPath) {
      options.notes.push(
        `opening ${new URL(link.href!).pathname} sent init to the login page; the pages after it were not explored`,
      );
      break;
    }
    visits.push(await read(page, pathOf(page.url()), clicked ? link.selector : undefined, from));
  }
  visits.at(-1)!.to = Date.now();
  return visits;
}

/** Clicks the link when it is on the page (in-app navigation); otherwise loads its URL. True when clicked. */
async function openByLink(page: Page, link: LinkScan): Promise<boolean> {
  const target = new URL(link.href!).pathname;
  const onPage =
    !link.newTab &&
    (await page
      .locator(link.selector)
      .count()
      .catch(() => 0)) === 1;
  if (onPage) {
    const moved = await page
      .click(link.selector, { timeout: 5_000 })
      .then(() => page.waitForURL((url) => url.pathname === target, { timeout: 5_000, waitUntil: 'commit' }))
      .then(
        () => true,
        () => false,
      );
    if (moved) return true;
  }
  await page.goto(link.href!, { timeout: 15_000 }).catch(() => {});
  return false;
}

async function read(page: Page, path: string, click: string | undefined, from: number): Promise<Visit> {
  const [forms, parts, signOut] = await Promise.all([
    scanForms(page).catch(() => []),
    scanParts(page).catch(() => ({})),
    scanSignOut(page).catch(() => null),
  ]);
  return { path, click, from, to: Date.now(), forms, parts, signOut: signOut ?? undefined };
}
