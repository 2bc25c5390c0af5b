import type { Page, Response } from '@playwright/test';
import { urlMatches } from '../../url-pattern.js';
import type { CheckConfig } from '../config/types.js';
import { RateLimitedError, SetupError } from '../errors.js';
import { loginPattern } from './page-steps.js';

const FIELD_WAIT_MS = 5_000;
const LANDING_WAIT_MS = 10_000;

/** Opens a path of the app; an unreachable server or an error page is a setup error naming `field`. */
export async function open(page: Page, path: string, field: string): Promise<void> {
  let response: Response | null;
  try {
    response = await page.goto(path, { timeout: 15_000 });
  } catch (error) {
    const reason = (error as Error).message.split('\n')[0]!.replace(/^page\.goto: /, '');
    throw new SetupError(`${field}: could not open ${path} (${reason})`);
  }
  if (response && response.status() >= 400)
    throw new SetupError(`${field}: GET ${path} answered ${response.status()} ${response.statusText()}`);
}

/** Waits for a selector the config names; says which field and page when it never shows. */
export async function expectSelector(page: Page, selector: string, field: string, timeout = FIELD_WAIT_MS) {
  try {
    await page.locator(selector).first().waitFor({ state: 'attached', timeout });
  } catch (error) {
    const message = (error as Error).message;
    const where = new URL(page.url()).pathname;
    if (/Unexpected token|not a valid selector|Unknown engine|parsing/i.test(message))
      throw new SetupError(`${field} ${JSON.stringify(selector)} is not a valid selector`);
    throw new SetupError(`${field} ${JSON.stringify(selector)} matched nothing on ${where}`);
  }
}

/** A selector the page cannot parse is a setup error naming its field (matching nothing is not). */
export async function checkSelectorSyntax(page: Page, selector: string, field: string): Promise<void> {
  try {
    await page.locator(selector).count();
  } catch (error) {
    throw new SetupError(
      `${field} ${JSON.stringify(selector)} is not a valid selector (${(error as Error).message.split('\n')[0]})`,
    );
  }
}

const retryAfterMs = (response: Response): number | undefined => {
  const value = response.headers()['retry-after'];
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
};

/**
 * Signs in as a person would, and says precisely what went wrong when it cannot: a field that is not
 * there, a sign-in request the server refuses (wrong password, 429), a page that never leaves the form.
 */
export async function signIn(page: Page, config: CheckConfig): Promise<void> {
  const { login } = config;
  if ('script' in login) {
    try {
      await login.script(page);
    } catch (error) {
      throw new SetupError(`login.script failed: ${(error as Error).message.split('\n')[0]}`);
    }
    return;
  }
  await open(page, login.path, 'login.path');
  const landed = (url: URL) =>
    login.done ? urlMatches(login.done, url) : !urlMatches(loginPattern(config), url);
  // A login page that finds a live session (a refresh cookie) sends the person on: they are signed in.
  const first = Object.keys(login.fields)[0];
  if (first !== undefined) {
    const shown = page
      .locator(first)
      .first()
      .waitFor({ state: 'attached', timeout: 5_000 })
      .then(
        () => true,
        () => false,
      );
    const left = page.waitForURL(landed, { timeout: 5_000 }).then(
      () => true,
      () => false,
    );
    const settled = await Promise.race([shown, left]);
    if (landed(new URL(page.url()))) return;
    // Neither the field nor a redirect within the wait: the field is missing; say so now, not after a second wait.
    if (!settled) await expectSelector(page, first, 'login.fields', 1);
  }
  for (const selector of Object.keys(login.fields)) await expectSelector(page, selector, 'login.fields');
  for (const [selector, value] of Object.entries(login.fields)) await page.fill(selector, value);
  await expectSelector(page, login.submit, 'login.submit');

  // Whatever the submit sends that the server refuses is the reason a sign-in fails.
  const refused: { response: Response; at: number }[] = [];
  const onResponse = (response: Response) => {
    if (response.request().method() !== 'GET' && response.status() >= 400)
      refused.push({ response, at: Date.now() });
  };
  page.on('response', onResponse);
  try {
    await page.click(login.submit);
    const deadline = Date.now() + LANDING_WAIT_MS;
    while (Date.now() < deadline) {
      if (landed(new URL(page.url()))) return;
      const limited = refused.find((r) => r.response.status() === 429)?.response;
      if (limited)
        throw new RateLimitedError(`login: ${describe(limited)} (rate limited)`, retryAfterMs(limited));
      // A refusal with no navigation after it: give the app a moment to move on before calling it final.
      const last = refused.at(-1);
      if (last && Date.now() > last.at + 1_500) {
        throw new SetupError(
          `login: ${describe(last.response)} — check login.fields (wrong user or password?)`,
        );
      }
      await page.waitForTimeout(50).catch(() => {});
    }
    const what = login.done ? `did not reach ${String(login.done)}` : 'stayed on the login page';
    throw new SetupError(
      `login: ${what} within ${LANDING_WAIT_MS / 1000} s of clicking ${JSON.stringify(login.submit)} (now at ${new URL(page.url()).pathname})`,
    );
  } finally {
    page.off('response', onResponse);
  }
}

const describe = (response: Response) =>
  `${response.request().method()} ${new URL(response.url()).pathname} answered ${response.status()} ${response.statusText()}`.trim();
