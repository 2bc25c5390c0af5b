import type { Page } from '@playwright/test';
import { type UrlPattern, urlMatches } from '../../url-pattern.js';
import type { CheckConfig, FormConfig } from '../config/types.js';
import { SetupError } from '../errors.js';

export const DEFAULT_TEXT = 'expiryproof was here: a long answer typed for ten minutes before pressing Save.';

/** Where a save ended up. */
export type Outcome = 'saved' | 'sent-to-login' | 'reauth-prompt' | 'nothing';

export const loginPattern = (config: CheckConfig): UrlPattern => config.loginPage ?? '**/login*';

/** The form of a config whose scenario needs one (scenarios without a form are skipped before they run). */
export const formOf = (config: CheckConfig): FormConfig => {
  if (!config.form) throw new SetupError('form: this scenario needs a form');
  return config.form;
};

/**
 * The text a scenario types: unique per run, so a draft the app restores cannot be confused with text
 * an earlier run saved on the server for the same account.
 */
export const draftText = (config: CheckConfig) =>
  `${config.form?.text ?? DEFAULT_TEXT} #${Math.random().toString(36).slice(2, 10)}`;

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

/** Opens the form and types the draft, after what the page loads, so nothing can overwrite it. */
export async function typeDraft(page: Page, config: CheckConfig, text: string) {
  const form = formOf(config);
  if (!urlMatches(`**${form.path}`, page.url())) {
    await page.goto(form.path).catch((error: Error) => {
      throw new SetupError(`form.path: could not open ${form.path} (${error.message.split('\n')[0]})`);
    });
  }
  const field = page.locator(form.field).first();
  try {
    await field.waitFor({ timeout: 5_000 });
  } catch {
    const where = new URL(page.url()).pathname;
    throw new SetupError(
      urlMatches(loginPattern(config), page.url())
        ? `form.path: ${form.path} sent the signed-in user to the login page (${where}) before anything was typed`
        : `form.field ${JSON.stringify(form.field)} matched nothing on ${where}`,
    );
  }
  await networkQuiet(page);
  await field.fill(text);
  if ((await page.locator(form.save).count()) === 0)
    throw new SetupError(
      `form.save ${JSON.stringify(form.save)} matched nothing on ${new URL(page.url()).pathname}`,
    );
}

/** The field's value now, or undefined when the field is gone (the page went elsewhere). */
export async function fieldValue(page: Page, config: CheckConfig): Promise<string | undefined> {
  const field = page.locator(formOf(config).field);
  return (await field.count().catch(() => 0))
    ? field
        .first()
        .inputValue()
        .catch(() => undefined)
    : undefined;
}

const visible = (page: Page, selector: string | undefined) =>
  selector
    ? page
        .locator(selector)
        .first()
        .isVisible()
        .catch(() => false)
    : Promise.resolve(false);

/** Waits for the first sign of how a save ended: success, a trip to login, a re-auth prompt, or nothing. */
export async function awaitOutcome(page: Page, config: CheckConfig): Promise<Outcome> {
  const deadline = Date.now() + (config.outcomeTimeout ?? 8) * 1000;
  while (Date.now() < deadline) {
    if (urlMatches(loginPattern(config), page.url())) return 'sent-to-login';
    if (await visible(page, formOf(config).success)) return 'saved';
    if (await visible(page, config.reauth?.dialog)) return 'reauth-prompt';
    await page.waitForTimeout(50).catch(() => {});
  }
  return 'nothing';
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
