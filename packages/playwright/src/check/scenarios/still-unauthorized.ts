import { urlMatches } from '../../url-pattern.js';
import { InconclusiveError } from '../errors.js';
import { afterArming, refreshesAfterArming, requireSent, sentAfterArming } from '../judge/evidence.js';
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
/** A loop slowed by a busy machine may show only two rounds in 3 s; while it is still going, watch on. */
const QUIET_TAIL_MS = 1_500;
const SLICE_MS = 2_000;
const MAX_WATCH_MS = 12_000;
const MAX_SENDS = 3;

/**
 * Watches for `WINDOW_MS`; if anything happened in its last `QUIET_TAIL_MS`, on in slices for as long as
 * each slice shows more activity (up to `MAX_WATCH_MS`). A bounded client is quiet by then and costs no
 * extra wait; a loop keeps going and is counted over the longer watch. Returns the seconds watched.
 */
async function watchWhileActive(ctx: ScenarioContext, activity: () => number[]): Promise<number> {
  const start = Date.now();
  const sleep = (ms: number) =>
    ctx.page.waitForTimeout(ms).catch(() => new Promise((r) => setTimeout(r, ms)));
  await sleep(WINDOW_MS);
  const since = (from: number) => activity().filter((at) => at >= from).length;
  if (since(Date.now() - QUIET_TAIL_MS) > 0) {
    while (Date.now() - start < MAX_WATCH_MS) {
      const sliceStart = Date.now();
      await sleep(SLICE_MS);
      if (since(sliceStart) === 0) break;
    }
  }
  return Math.round((Date.now() - start) / 100) / 10;
}

/** The API keeps rejecting the credential even after a refresh: the client must give up, not loop. */
export const stillUnauthorized: Scenario = {
  name: 'still-unauthorized',
  summary: `Makes every API call answer as to an expired credential, saves (or opens the busy page), and counts requests for ${WINDOW_MS / 1000} s (longer while they keep coming).`,
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
    const save = editing.journey.saveRequest;
    const watched = await watchWhileActive(ctx, () =>
      [...sentAfterArming(ctx, save), ...refreshesAfterArming(ctx)].map(
        (e) => ctx.traffic.startedAt + e.start,
      ),
    );
    ctx.mark('window closed');
    await ctx.snapshot('after');
    const sends = requireSent(ctx, save, 'the save').length;
    return judge(sends, refreshesAfterArming(ctx).length, 'the save was sent', watched);
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
  const apiCalls = () =>
    afterArming(ctx).filter(
      (e) =>
        e.method !== 'OPTIONS' && urlMatches(ctx.config.api, e.url) && !urlMatches(ctx.config.refresh, e.url),
    );
  const watched = await watchWhileActive(ctx, () =>
    [...apiCalls(), ...refreshesAfterArming(ctx)].map((e) => ctx.traffic.startedAt + e.start),
  );
  ctx.mark('window closed');
  await ctx.snapshot('after');
  const calls = apiCalls();
  if (!calls.length)
    throw new InconclusiveError(`${concurrent.path} made no API call after the server started rejecting`);
  const perCall = new Map<string, number>();
  for (const e of calls) perCall.set(`${e.method} ${e.url}`, (perCall.get(`${e.method} ${e.url}`) ?? 0) + 1);
  const most = Math.max(0, ...perCall.values());
  return judge(most, refreshesAfterArming(ctx).length, 'one call was sent', watched);
}

function judge(sends: number, refreshes: number, what: string, seconds: number): Verdict {
  const metrics = { sends, refreshCalls: refreshes };
  if (sends > MAX_SENDS || refreshes > MAX_SENDS) {
    return failed(
      `a retry loop: ${what} ${sends} times and the refresh called ${refreshes} times in ${seconds} s`,
      metrics,
    );
  }
  return passed(
    `bounded: ${what} ${sends} time(s), the refresh called ${refreshes} time(s) in ${seconds} s`,
    metrics,
  );
}
