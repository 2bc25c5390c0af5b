import { judgeSave } from '../judge-save.js';
import { type Scenario, startEditing } from '../scenario.js';

/** The refresh endpoint blips once (503): a transient failure must not end the session. */
export const refreshUnavailable: Scenario = {
  name: 'refresh-unavailable',
  summary: 'Expires the token and makes the refresh endpoint answer 503 once, then saves.',
  async run(ctx) {
    await startEditing(ctx);
    await ctx.chaos.expireToken(ctx.config.api);
    await ctx.chaos.rejectWith(ctx.config.refresh, 503, { times: 1 });
    ctx.mark('token expired, next refresh 503');
    await ctx.page.click(ctx.config.form.save);
    ctx.mark('Save clicked');
    const verdict = await judgeSave(
      ctx,
      'retried the refresh after a 503 and saved without logging out',
      'asked for the password after a transient refresh failure (503)',
    );
    if (verdict.status === 'failed' && verdict.reason.startsWith('sent to the login page')) {
      return {
        ...verdict,
        reason: 'one 503 from the refresh endpoint logged the user out; the typed text was lost',
      };
    }
    return verdict;
  },
};
