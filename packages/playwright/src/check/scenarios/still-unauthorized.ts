import { refreshesAfterArming, requireSent } from '../judge/evidence.js';
import { failed, needsForm, passed, type Scenario, startEditing } from '../scenario.js';
import { formOf } from '../steps/page-steps.js';

const WINDOW_MS = 3_000;
const MAX_SENDS = 3;

/** The API keeps rejecting the credential even after a refresh: the client must give up, not loop. */
export const stillUnauthorized: Scenario = {
  name: 'still-unauthorized',
  summary: `Makes every API call answer as to an expired credential, saves, and counts requests for ${WINDOW_MS / 1000} s.`,
  expires: true,
  unavailable: needsForm,
  async run(ctx) {
    const { page, config } = ctx;
    const form = formOf(config);
    await startEditing(ctx);
    // The server's own rejection status (a 403-for-expired server keeps answering 403), never the refresh.
    const status = ctx.rejects[0] ?? 401;
    await ctx.fault.rejectEverything(status);
    ctx.mark(`API answers ${status} to everything`);
    await page.click(form.save);
    ctx.mark('Save clicked');
    await page.waitForTimeout(WINDOW_MS).catch(() => {});
    ctx.mark('window closed');
    await ctx.snapshot('after');
    const sends = requireSent(ctx, form.saveRequest, 'the save').length;
    const refreshes = refreshesAfterArming(ctx).length;
    const metrics = { saveSends: sends, refreshCalls: refreshes };
    if (sends > MAX_SENDS || refreshes > MAX_SENDS) {
      return failed(
        `a retry loop: the save was sent ${sends} times and the refresh called ${refreshes} times in ${WINDOW_MS / 1000} s`,
        metrics,
      );
    }
    return passed(
      `bounded: the save was sent ${sends} time(s), the refresh called ${refreshes} time(s)`,
      metrics,
    );
  },
};
