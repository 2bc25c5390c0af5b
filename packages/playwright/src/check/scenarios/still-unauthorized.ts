import { urlMatches } from '../../url-pattern.js';
import { InconclusiveError } from '../errors.js';
import { afterArming, refreshesAfterArming, requireSent } from '../judge/evidence.js';
import {
  failed,
  passed,
  type Scenario,
  type ScenarioContext,
  startEditing,
  type Verdict,
} from '../scenario.js';
import { networkQuiet } from '../steps/page-steps.js';

const WINDOW_MS = 3_000;
const MAX_SENDS = 3;

/** The API keeps rejecting the credential even after a refresh: the client must give up, not loop. */
export const stillUnauthorized: Scenario = {
  name: 'still-unauthorized',
  summary: `Makes every API call answer as to an expired credential, saves (or opens the busy page), and counts requests for ${WINDOW_MS / 1000} s.`,
  expires: true,
  perJourney: true,
  // Without a journey, the page that fires several calls shows a loop just as well.
  unavailable: (config) =>
    config.form || config.journeys?.length || config.concurrent
      ? undefined
      : 'no `form`, `journeys` or `concurrent` page in the config',
  async run(ctx) {
    // The server's own rejection status (a 403-for-expired server keeps answering 403), never the refresh.
    const status = ctx.rejects[0] ?? 401;
    if (!ctx.journey) return withoutJourney(ctx, status);
    const editing = await startEditing(ctx);
    await ctx.fault.rejectEverything(status);
    ctx.mark(`API answers ${status} to everything`);
    await editing.save();
    ctx.mark('saved');
    await ctx.page.waitForTimeout(WINDOW_MS).catch(() => {});
    ctx.mark('window closed');
    await ctx.snapshot('after');
    const sends = requireSent(ctx, editing.journey.saveRequest, 'the save').length;
    return judge(sends, refreshesAfterArming(ctx).length, 'the save was sent');
  },
};

/** Opens the busy page under a server that keeps rejecting: no call may be repeated without end. */
async function withoutJourney(ctx: ScenarioContext, status: number): Promise<Verdict> {
  const concurrent = ctx.config.concurrent!;
  await ctx.signIn();
  await networkQuiet(ctx.page);
  await ctx.fault.rejectEverything(status);
  ctx.mark(`API answers ${status} to everything`);
  if (concurrent.click) await ctx.page.click(concurrent.click);
  else await ctx.page.goto(concurrent.path);
  await ctx.page.waitForTimeout(WINDOW_MS).catch(() => {});
  ctx.mark('window closed');
  await ctx.snapshot('after');
  const calls = afterArming(ctx).filter(
    (e) =>
      e.method !== 'OPTIONS' && urlMatches(ctx.config.api, e.url) && !urlMatches(ctx.config.refresh, e.url),
  );
  if (!calls.length)
    throw new InconclusiveError(`${concurrent.path} made no API call after the server started rejecting`);
  const perCall = new Map<string, number>();
  for (const e of calls) perCall.set(`${e.method} ${e.url}`, (perCall.get(`${e.method} ${e.url}`) ?? 0) + 1);
  const most = Math.max(0, ...perCall.values());
  return judge(most, refreshesAfterArming(ctx).length, 'one call was sent');
}

function judge(sends: number, refreshes: number, what: string): Verdict {
  const metrics = { sends, refreshCalls: refreshes };
  if (sends > MAX_SENDS || refreshes > MAX_SENDS) {
    return failed(
      `a retry loop: ${what} ${sends} times and the refresh called ${refreshes} times in ${WINDOW_MS / 1000} s`,
      metrics,
    );
  }
  return passed(`bounded: ${what} ${sends} time(s), the refresh called ${refreshes} time(s)`, metrics);
}
