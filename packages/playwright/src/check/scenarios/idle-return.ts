import { judgeSave } from '../judge-save.js';
import { type Scenario, startEditing } from '../scenario.js';

/** The person leaves the tab for an hour; the token expires meanwhile; they come back and press Save. */
export const idleReturn: Scenario = {
  name: 'idle-return',
  summary: 'Hides the tab, moves the clock an hour ahead, expires the token, shows the tab and saves.',
  fakeClock: true,
  async run(ctx) {
    const { page, config } = ctx;
    await startEditing(ctx);
    await setVisibility(ctx.page, 'hidden');
    ctx.mark('tab hidden');
    await page.clock.fastForward('01:00:00');
    await ctx.chaos.expireToken(config.api);
    ctx.mark('an hour later: token expired');
    await setVisibility(ctx.page, 'visible');
    ctx.mark('tab visible again');
    await page.click(config.form.save);
    ctx.mark('Save clicked');
    return judgeSave(
      ctx,
      'came back after an hour and saved: text kept',
      'asked for the password although the refresh token was still valid',
    );
  },
};

/**
 * Playwright cannot hide a tab, so the page is told it is hidden the way the browser would tell it.
 * A source string, not a function: transpilers may wrap functions in helpers the page does not have.
 */
function setVisibility(page: import('@playwright/test').Page, state: 'hidden' | 'visible') {
  return page.evaluate(`(() => {
    const next = ${JSON.stringify(state)};
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => next });
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => next === 'hidden' });
    document.dispatchEvent(new Event('visibilitychange'));
    if (next === 'visible') window.dispatchEvent(new Event('focus'));
  })()`);
}
