import { judgeSave } from '../judge/judge-save.js';
import { needsForm, type Scenario, startEditing } from '../scenario.js';
import { formOf } from '../steps/page-steps.js';

/** The articles' test: the token dies just as the save leaves, so the server rejects it. */
export const midFlightExpiry: Scenario = {
  name: 'mid-flight-expiry',
  summary: 'Expires the credential on the save request, mid-flight: the server rejects it as expired.',
  expires: true,
  unavailable: needsForm,
  async run(ctx) {
    await startEditing(ctx);
    await ctx.fault.expireNext(formOf(ctx.config).saveRequest, 1);
    ctx.mark('credential expired for the next save');
    await ctx.page.click(formOf(ctx.config).save);
    ctx.mark('Save clicked');
    return judgeSave(
      ctx,
      'saved after the credential expired mid-flight: refreshed and replayed, text kept',
      'asked for the password although the refresh token was still valid',
    );
  },
};
