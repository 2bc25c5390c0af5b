import { judgeSave } from '../judge/judge-save.js';
import { needsJourney, type Scenario, startEditing } from '../scenario.js';

/** The articles' test: the token dies just as the save leaves, so the server rejects it. */
export const midFlightExpiry: Scenario = {
  name: 'mid-flight-expiry',
  summary: 'Expires the credential on the save request, mid-flight: the server rejects it as expired.',
  expires: true,
  perJourney: true,
  unavailable: needsJourney,
  async run(ctx) {
    const editing = await startEditing(ctx);
    await ctx.fault.expireNext(editing.journey.saveRequest, 1);
    ctx.mark('credential expired for the next save');
    await editing.save();
    ctx.mark('saved');
    return judgeSave(
      ctx,
      editing,
      'saved after the credential expired mid-flight: refreshed and replayed, input kept',
      'asked for the password although the refresh token was still valid',
    );
  },
};
