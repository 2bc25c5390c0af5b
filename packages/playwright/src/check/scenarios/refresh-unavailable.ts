import { judgeSave } from '../judge/judge-save.js';
import { needsForm, type Scenario, startEditing } from '../scenario.js';
import { formOf } from '../steps/page-steps.js';

/** The refresh endpoint blips once (503): a transient failure must not end the session. */
export const refreshUnavailable: Scenario = {
  name: 'refresh-unavailable',
  summary: 'Expires the credential and makes the refresh endpoint answer 503 once, then saves.',
  expires: true,
  unavailable: needsForm,
  async run(ctx) {
    await startEditing(ctx);
    await ctx.chaos.rejectWith(ctx.config.refresh, 503, { times: 1 });
    await ctx.fault.expireNow();
    ctx.mark('credential expired, next refresh 503');
    await ctx.page.click(formOf(ctx.config).save);
    ctx.mark('Save clicked');
    const verdict = await judgeSave(
      ctx,
      'retried the refresh after a 503 and saved without logging out',
      'asked for the password after a transient refresh failure (503)',
    );
    if (verdict.status === 'failed' && verdict.reason.startsWith('sent to the login page')) {
      const refreshed = verdict.metrics?.refreshCalls ?? 0;
      return {
        ...verdict,
        reason: refreshed
          ? 'one 503 from the refresh endpoint logged the user out; the typed text was lost'
          : 'sent to the login page without trying to refresh: the typed text was lost',
      };
    }
    return verdict;
  },
};
