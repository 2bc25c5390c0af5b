import { requireBite, requireSent } from '../judge/evidence.js';
import { inputKept } from '../judge/judge-save.js';
import { failed, inconclusive, needsJourney, passed, type Scenario, startEditing } from '../scenario.js';
import { openJourney, valueNow } from '../steps/journey.js';
import { answerReauth, networkQuiet } from '../steps/page-steps.js';

/** The refresh token is dead: the input must survive, through a re-auth prompt or a restored draft. */
export const refreshRejected: Scenario = {
  name: 'refresh-rejected',
  summary: 'Expires the credential and makes the refresh endpoint answer 401, then saves.',
  expires: true,
  perJourney: true,
  unavailable: needsJourney,
  async run(ctx) {
    const { page, config } = ctx;
    const editing = await startEditing(ctx);
    const rejecting = await ctx.chaos.rejectWith(config.refresh, 401);
    await ctx.fault.expireNow();
    ctx.mark('credential expired, refresh rejected');
    await editing.save();
    ctx.mark('saved');
    const outcome = await editing.outcome.wait();
    ctx.mark(`outcome: ${outcome}`);
    await ctx.traffic.settled(2_000);
    requireSent(ctx, editing.journey.saveRequest, 'the save');
    requireBite(ctx);

    if (outcome === 'reauth-prompt') {
      if (!config.reauth)
        return inconclusive('a re-auth prompt appeared, but the config has no `reauth` answers for it');
      // A real sign-in starts a new session: its refresh token is not the dead one.
      await rejecting.undo();
      await answerReauth(page, config);
      ctx.mark('signed in again in the prompt');
      await page
        .locator(config.reauth.dialog)
        .waitFor({ state: 'hidden', timeout: (config.outcomeTimeout ?? 8) * 1000 })
        .catch(() => {});
      const after = await editing.outcome.wait();
      await ctx.snapshot('after');
      if (after === 'saved' && (await inputKept(ctx, editing)))
        return passed('asked for the password over the untouched page; the parked save completed');
      return failed(`after signing in again in the prompt the save did not complete (${after})`);
    }
    if (outcome === 'sent-to-login') {
      await ctx.snapshot('after');
      await rejecting.undo();
      await ctx.fault.undo();
      await ctx.signIn();
      await openJourney(page, config, editing.journey).catch(() => {});
      await networkQuiet(page);
      const entry = editing.entry;
      if (entry && (await valueNow(page, editing.journey, entry)) === entry.value)
        return passed('sent to login, but the draft was restored after signing in');
      return failed('sent to the login page: the input was lost');
    }
    await ctx.snapshot('after');
    if (outcome === 'saved' && (await inputKept(ctx, editing)))
      return passed('saved although the refresh was rejected (another credential was used)');
    const entry = editing.entry;
    const kept = entry !== undefined && (await valueNow(page, editing.journey, entry)) === entry.value;
    return failed(
      kept
        ? 'the save failed with no way to sign in again (no re-auth prompt), though the input is still there'
        : 'the save failed and the input is gone',
    );
  },
};
