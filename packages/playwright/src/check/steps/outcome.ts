import type { Dialog, Page } from '@playwright/test';
import { urlMatches } from '../../url-pattern.js';
import type { CheckConfig } from '../config/types.js';
import type { Journey, SaveLog } from './journey.js';
import { loginPattern } from './page-steps.js';

/** Where a save ended up. */
export type Outcome = 'saved' | 'sent-to-login' | 'reauth-prompt' | 'nothing';

/** Watches for the first sign of how a save ended; made before the save, so it knows what was there already. */
export interface OutcomeWatch {
  /** Waits (up to `outcomeTimeout`) for success, a trip to the login page, or a re-auth prompt. */
  wait(): Promise<Outcome>;
  /** Dialogs the page opened (alert/confirm texts); the audit accepts them as a person would. */
  readonly dialogs: readonly string[];
  stop(): void;
}

const visibleCount = async (page: Page, selector: string) => {
  const all = page.locator(selector);
  const n = await all.count().catch(() => 0);
  let visible = 0;
  for (let i = 0; i < n && i < 50; i++)
    if (
      await all
        .nth(i)
        .isVisible()
        .catch(() => false)
    )
      visible++;
  return visible;
};

/**
 * Success must be new: a success selector that already matched (entries of a list from earlier runs) only
 * counts when more of it is visible than before the save, or when a match holds the unique value typed.
 */
export async function watchOutcome(
  page: Page,
  config: CheckConfig,
  journey: Journey,
  saves: SaveLog,
  typed: () => string | undefined,
): Promise<OutcomeWatch> {
  const dialogs: string[] = [];
  const onDialog = (dialog: Dialog) => {
    dialogs.push(dialog.message());
    void dialog.accept().catch(() => {});
  };
  page.on('dialog', onDialog);
  const signal = journey.success;
  const selector =
    typeof signal === 'string' && signal !== 'network'
      ? signal
      : typeof signal === 'object' && 'selector' in signal
        ? signal.selector
        : undefined;
  const text = typeof signal === 'object' && 'text' in signal ? signal.text : undefined;
  const baseline = selector
    ? await visibleCount(page, selector)
    : text
      ? await visibleCount(page, `text=${JSON.stringify(text)}`)
      : 0;
  const started = Date.now();

  const succeeded = async (): Promise<boolean> => {
    if (signal === 'network')
      return saves.sends.some(
        (s) => s.at >= started && s.status !== undefined && s.status >= 200 && s.status < 300,
      );
    if (typeof signal === 'object' && 'dialog' in signal)
      return dialogs.some((m) => signal.dialog === true || m.includes(signal.dialog));
    const target = selector ?? `text=${JSON.stringify(text)}`;
    if ((await visibleCount(page, target)) > baseline) return true;
    const value = typed();
    return value !== undefined && selector !== undefined
      ? (await page
          .locator(selector)
          .filter({ hasText: value })
          .count()
          .catch(() => 0)) > 0
      : false;
  };
  const visible = (s: string | undefined) =>
    s
      ? page
          .locator(s)
          .first()
          .isVisible()
          .catch(() => false)
      : Promise.resolve(false);

  return {
    dialogs,
    async wait() {
      const deadline = Date.now() + (config.outcomeTimeout ?? 8) * 1000;
      while (Date.now() < deadline) {
        if (urlMatches(loginPattern(config), page.url())) return 'sent-to-login';
        if (await succeeded()) return 'saved';
        if (await visible(config.reauth?.dialog)) return 'reauth-prompt';
        await page.waitForTimeout(50).catch(() => {});
      }
      return 'nothing';
    },
    stop: () => page.off('dialog', onDialog),
  };
}
