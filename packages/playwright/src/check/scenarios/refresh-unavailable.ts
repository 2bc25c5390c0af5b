import { judgeSave } from '../judge/judge-save.js';
import { needsJourney, type Scenario, startEditing } from '../scenario.js';

/** The refresh endpoint blips once (503): a transient failure must not end the session. */
export const refreshUnavailable: Scenario = {
  name: 'refresh-unavailable',
  summary: 'Expires the credential and makes the refresh endpoint answer 503 once, then saves.',
  expires: true,
  perJourney: true,
  unavailable: needsJourney,
  async run(ctx) {
    const editing = await startEditing(ctx);
    await ctx.chaos.rejectWith(ctx.config.refresh, 503, { times: 1 });
    await ctx.fault.expireNow();
    ctx.mark('credential expired, next refresh 503');
    await editing.save();
    ctx.mark('saved');
    const verdict = await judgeSave(
      ctx,
      editing,
      'retried the refresh after a 503 and saved without logging out',
      'asked for the password after a transient refresh failure (503)',
    );
    if (verdict.status === 'failed' && verdict.reason.startsWith('sent to the login page')) {
      const refreshed = verdict.metrics?.refreshCalls ?? 0;
      return {
        ...verdict,
        reason: refreshed
          ? 'one 503 from the refresh endpoint logged the user out; the input was lost'
          : 'sent to the login page without trying to refresh: the input was lost',
      };
    }
    return verdict;
  },
};
