import { type Editing, failed, passed, type ScenarioContext, type Verdict } from '../scenario.js';
import { valueNow } from '../steps/journey.js';
import type { Outcome } from '../steps/outcome.js';
import { refreshesAfterArming, requireBite, requireSent } from './evidence.js';

/** Epoch ms the fault came into force (evidence before it does not count). */
export const armedSince = (ctx: ScenarioContext) =>
  ctx.traffic.startedAt + (ctx.fault.armedAt ?? Number.POSITIVE_INFINITY);

/**
 * Whether the input survived, from evidence: a save answered 2xx after the fault carried the value, or
 * the value is still where it was entered.
 */
export async function inputKept(ctx: ScenarioContext, editing: Editing): Promise<boolean> {
  const entry = editing.entry;
  if (!entry) return false;
  if (editing.saves.delivered(entry.value, armedSince(ctx))) return true;
  return (await valueNow(ctx.page, editing.journey, entry)) === entry.value;
}

/**
 * The verdict shared by the scenarios that end in "save": the save must complete, the input must survive
 * (it reached the server, or it is still where it was entered), and the page must not have gone to the
 * login page. `unexpectedPrompt` says why a re-auth prompt is wrong in this scenario. Before judging, the
 * evidence must show that the save was sent and that the expired credential was rejected; otherwise the
 * scenario is inconclusive.
 */
export async function judgeSave(
  ctx: ScenarioContext,
  editing: Editing,
  success: string,
  unexpectedPrompt: string,
  options: { renewalCounts?: boolean } = {},
): Promise<Verdict> {
  const outcome: Outcome = await editing.outcome.wait();
  ctx.mark(`outcome: ${outcome}`);
  await ctx.traffic.settled(2_000);
  await ctx.snapshot('after');
  requireSent(ctx, editing.journey.saveRequest, 'the save');
  requireBite(ctx, options);
  const metrics = { refreshCalls: refreshesAfterArming(ctx).length };
  switch (outcome) {
    case 'saved': {
      if (await inputKept(ctx, editing)) return passed(success, metrics);
      const entry = editing.entry;
      const now = entry ? await valueNow(ctx.page, editing.journey, entry) : undefined;
      const shown =
        now === undefined ? 'the input is gone' : `it now reads ${JSON.stringify(now.slice(0, 60))}`;
      return failed(`success was shown, but no save carried the input and ${shown}`, metrics);
    }
    case 'sent-to-login':
      return failed('sent to the login page: the input was lost', metrics);
    case 'reauth-prompt':
      return failed(unexpectedPrompt, metrics);
    default: {
      const kept =
        editing.entry && (await valueNow(ctx.page, editing.journey, editing.entry)) === editing.entry.value;
      return failed(
        kept
          ? 'the save never completed (no sign of success), though the input is still there'
          : 'the save never completed and the input is gone',
        metrics,
      );
    }
  }
}
