import { requireBite, requireSent } from '../judge/evidence.js';
import { failed, inconclusive, needsForm, passed, type Scenario, startEditing } from '../scenario.js';
import { answerReauth, awaitOutcome, fieldValue, formOf, networkQuiet } from '../steps/page-steps.js';

/** The refresh token is dead: the input must survive, through a re-auth prompt or a restored draft. */
export const refreshRejected: Scenario = {
  name: 'refresh-rejected',
  summary: 'Expires the credential and makes the refresh endpoint answer 401, then saves.',
  expires: true,
  unavailable: needsForm,
  async run(ctx) {
    const { page, config } = ctx;
    const form = formOf(config);
    await startEditing(ctx);
    const rejecting = await ctx.chaos.rejectWith(config.refresh, 401);
    await ctx.fault.expireNow();
    ctx.mark('credential expired, refresh rejected');
    await page.click(form.save);
    ctx.mark('Save clicked');
    const outcome = await awaitOutcome(page, config);
    ctx.mark(`outcome: ${outcome}`);
    await ctx.traffic.settled(2_000);
    requireSent(ctx, form.saveRequest, 'the save');
    requireBite(ctx);
    const { text } = ctx;

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
      const after = await awaitOutcome(page, config);
      await ctx.snapshot('after');
      if (after === 'saved' && (await fieldValue(page, config)) === text) {
        return passed('asked for the password over the untouched form; the parked save completed');
      }
      return failed(`after signing in again in the prompt the save did not complete (${after})`);
    }
    if (outcome === 'sent-to-login') {
      await ctx.snapshot('after');
      await rejecting.undo();
      await ctx.fault.undo();
      await ctx.signIn();
      await page.goto(form.path);
      await networkQuiet(page);
      if ((await fieldValue(page, config)) === text)
        return passed('sent to login, but the draft was restored after signing in');
      return failed('sent to the login page: the typed text was lost');
    }
    await ctx.snapshot('after');
    if (outcome === 'saved')
      return passed('saved although the refresh was rejected (another credential was used)');
    return failed(
      (await fieldValue(page, config)) === text
        ? 'the save failed with no way to sign in again (no re-auth prompt), though the text is still there'
        : 'the save failed and the typed text is gone',
    );
  },
};
