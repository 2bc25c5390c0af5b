import { failed, passed, type ScenarioContext, type Verdict } from '../scenario.js';
import { awaitOutcome, fieldValue, formOf, type Outcome } from '../steps/page-steps.js';
import { refreshesAfterArming, requireBite, requireSent } from './evidence.js';

/**
 * The verdict shared by the scenarios that end in "click Save": the save must complete, the typed text
 * must still be there, and the page must not have gone to the login page. `unexpectedPrompt` says why a
 * re-auth prompt is wrong in this scenario. Before judging, the evidence must show that the save was sent
 * and that the expired credential was rejected; otherwise the scenario is inconclusive.
 */
export async function judgeSave(
  ctx: ScenarioContext,
  success: string,
  unexpectedPrompt: string,
): Promise<Verdict> {
  const outcome: Outcome = await awaitOutcome(ctx.page, ctx.config);
  ctx.mark(`outcome: ${outcome}`);
  await ctx.traffic.settled(2_000);
  await ctx.snapshot('after');
  requireSent(ctx, formOf(ctx.config).saveRequest, 'the save');
  requireBite(ctx);
  const metrics = { refreshCalls: refreshesAfterArming(ctx).length };
  const text = await fieldValue(ctx.page, ctx.config);
  switch (outcome) {
    case 'saved':
      if (text !== ctx.text) {
        const shown =
          text === undefined ? 'the field is gone' : `it now reads ${JSON.stringify(text.slice(0, 60))}`;
        return failed(`saved, but the text in the field changed: ${shown}`, metrics);
      }
      return passed(success, metrics);
    case 'sent-to-login':
      return failed('sent to the login page: the typed text was lost', metrics);
    case 'reauth-prompt':
      return failed(unexpectedPrompt, metrics);
    default:
      return failed(
        text === ctx.text
          ? 'the save never completed (no success message), though the text is still there'
          : 'the save never completed and the typed text is gone',
        metrics,
      );
  }
}
