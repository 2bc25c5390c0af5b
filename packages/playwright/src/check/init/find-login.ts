import type { Page, Response } from '@playwright/test';
import { networkQuiet } from '../steps/page-steps.js';
import { InitError } from './errors.js';
import { type LinkScan, type LoginFormScan, scanLoginForm, scanSignInLinks } from './page-scan.js';
import type { LoginForm } from './types.js';

/** Where apps usually keep their login page, tried after the base URL and its "sign in" links. */
export const LOGIN_PATHS = ['/login', '/signin', '/sign-in', '/auth/login'] as const;
/** How long a page may take to render its password field (a single-page app renders after its scripts). */
const RENDER_WAIT_MS = 4_000;
/** "Sign in" links and buttons followed from the base URL at most. */
const MAX_LINKS = 3;

const pathOf = (url: string) => new URL(url).pathname;

/**
 * Finds the login form: on the base URL (or the page it redirects to), behind a link or button whose words
 * say "log in" or "sign in", or on one of the usual login paths. Throws an InitError naming the pages tried
 * when none has a password field, and one naming the URL when the app does not answer at all.
 */
export async function findLogin(page: Page, baseURL: string): Promise<LoginForm> {
  const origin = new URL(baseURL).origin;
  const tried: string[] = [];
  const found = (scan: LoginFormScan, via: string): LoginForm => {
    const path = pathOf(page.url());
    if (!scan.submit)
      throw new InitError(
        `the login form on ${path} has no submit button init could recognise; write login.submit by hand`,
      );
    return { path, via, user: scan.user ?? undefined, password: scan.password, submit: scan.submit, tried };
  };

  const first = await open(page, baseURL, true);
  tried.push(pathOf(baseURL));
  const landed = pathOf(page.url());
  if (landed !== pathOf(baseURL)) tried.push(landed);
  if (first === 'ok') {
    const scan = await passwordForm(page);
    if (scan)
      return found(scan, landed === pathOf(baseURL) ? 'the base URL' : `the base URL redirected there`);
  }

  // Links and buttons that say "sign in", each tried from the base URL's page.
  const links = first === 'ok' ? (await scanSignInLinks(page)).slice(0, MAX_LINKS) : [];
  for (const link of links) {
    const scan = await follow(page, baseURL, origin, link);
    if (scan === 'other-origin') continue;
    tried.push(pathOf(page.url()));
    if (scan) return found(scan, `the ${JSON.stringify(link.text)} link`);
  }

  for (const path of LOGIN_PATHS) {
    if (tried.includes(path)) continue;
    tried.push(path);
    if ((await open(page, origin + path, false)) !== 'ok') continue;
    const scan = await passwordForm(page);
    if (scan) return found(scan, `${path}, one of the usual login paths`);
  }
  throw new InitError(`no password field found on the pages tried: ${[...new Set(tried)].join(', ')}`);
}

/** Opens a URL; an app that does not answer at all is an InitError when `required` (the base URL). */
async function open(page: Page, url: string, required: boolean): Promise<'ok' | 'error-page'> {
  let response: Response | null;
  try {
    response = await page.goto(url, { timeout: 15_000 });
  } catch (error) {
    const reason = (error as Error).message.split('\n')[0]!.replace(/^page\.goto: /, '');
    if (required) throw new InitError(`URL unreachable: could not open ${url} (${reason})`);
    return 'error-page';
  }
  // A 404 at a guessed path is no login page; the base URL's own error page may still link to one.
  return response && response.status() >= 400 && !required ? 'error-page' : 'ok';
}

/** The page's login form, once the page has rendered (or has had its chance to). */
async function passwordForm(page: Page): Promise<LoginFormScan | null> {
  const shown = page
    .locator('input[type=password]')
    .first()
    .waitFor({ state: 'visible', timeout: RENDER_WAIT_MS })
    .catch(() => {});
  // A page with no password field ends the wait once its requests have been quiet for a while.
  await Promise.race([shown, networkQuiet(page, 800, RENDER_WAIT_MS)]);
  return scanLoginForm(page).catch(() => null);
}

/** Follows a "sign in" link (by its URL) or button (by clicking it on the base URL's page). */
async function follow(
  page: Page,
  baseURL: string,
  origin: string,
  link: LinkScan,
): Promise<LoginFormScan | null | 'other-origin'> {
  if (link.href) {
    // A sign-in on another origin (an identity provider) needs a login script: init cannot write its path.
    if (new URL(link.href).origin !== origin) return 'other-origin';
    if ((await open(page, link.href, false)) !== 'ok') return null;
    return passwordForm(page);
  }
  if (pathOf(page.url()) !== pathOf(baseURL)) await open(page, baseURL, true);
  await page.click(link.selector, { timeout: 5_000 }).catch(() => {});
  if (new URL(page.url()).origin !== origin) return 'other-origin';
  return passwordForm(page);
}
