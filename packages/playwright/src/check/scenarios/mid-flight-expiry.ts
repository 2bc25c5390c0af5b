import { judgeSave } from '../judge-save.js';
import { type Scenario, startEditing } from '../scenario.js';

/** The articles' test: the save request loses its token on the way, so the server answers 401. */
export const midFlightExpiry: Scenario = {
  name: 'mid-flight-expiry',
  summary: 'Strips Authorization from the save request once, mid-flight: the server answers 401.',
  async run(ctx) {
    await startEditing(ctx);
    await ctx.chaos.expireToken(ctx.config.form.saveRequest, { times: 1 });
    ctx.mark('token stripped from next save');
    await ctx.page.click(ctx.config.form.save);
    ctx.mark('Save clicked');
    return judgeSave(
      ctx,
      'saved after a 401 mid-flight: refreshed and replayed, text kept',
      'asked for the password although the refresh token was still valid',
    );
  },
};
