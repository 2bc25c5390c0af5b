import type { Page } from '@playwright/test';
import { judgeSave } from '../judge/judge-save.js';
import { needsJourney, type Scenario, startEditing } from '../scenario.js';

/** The person leaves the tab; the token expires meanwhile; they come back and press Save. */
export const idleReturn: Scenario = {
  name: 'idle-return',
  summary:
    'Hides the tab, lets the credential expire (really, when its lifetime is short; else an hour on the clock and a stale credential), shows the tab and saves.',
  expires: true,
  fakeClock: true,
  perJourney: true,
  unavailable: needsJourney,
  async run(ctx) {
    const { page } = ctx;
    const editing = await startEditing(ctx);
    await setVisibility(ctx.page, 'hidden');
    ctx.mark('tab hidden');
    // The credential dies first, then the hour passes: an app that renews on waking must renew the dead one.
    await ctx.fault.expireNow();
    if (ctx.mode !== 'natural') await page.clock.fastForward('01:00:00');
    ctx.mark(ctx.mode === 'natural' ? 'credential expired (really)' : 'credential expired, an hour later');
    await setVisibility(ctx.page, 'visible');
    ctx.mark('tab visible again');
    await editing.save();
    ctx.mark('saved');
    return judgeSave(
      ctx,
      editing,
      'came back after the credential expired and saved: input kept',
      'asked for the password although the refresh token was still valid',
      { renewalCounts: true },
    );
  },
};

/**
 * Playwright cannot hide a tab, so the page is told it is hidden the way the browser would tell it.
 * A source string, not a function: transpilers may wrap functions in helpers the page does not have.
 */
function setVisibility(page: Page, state: 'hidden' | 'visible') {
  return page.evaluate(`(() => {
    const next = ${JSON.stringify(state)};
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => next });
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => next === 'hidden' });
    document.dispatchEvent(new Event('visibilitychange'));
    if (next === 'visible') window.dispatchEvent(new Event('focus'));
  })()`);
}
