import { failed, passed, type Scenario, startEditing } from '../scenario.js';

const WINDOW_MS = 3_000;
const MAX_SENDS = 3;

/** The API keeps answering 401 even after a refresh: the client must give up, not loop. */
export const stillUnauthorized: Scenario = {
  name: 'still-unauthorized',
  summary: `Makes every API call answer 401, saves, and counts requests for ${WINDOW_MS / 1000} s.`,
  async run(ctx) {
    const { page, config } = ctx;
    await startEditing(ctx);
    await ctx.chaos.rejectWith(config.api, 401);
    ctx.mark('API answers 401 to everything');
    const before = ctx.traffic.entries.length;
    await page.click(config.form.save);
    ctx.mark('Save clicked');
    await page.waitForTimeout(WINDOW_MS).catch(() => {});
    ctx.mark('window closed');
    await ctx.snapshot('after');
    const during = ctx.traffic.entries.slice(before);
    const sends = during.filter((e) => ctx.traffic.matching(config.form.saveRequest).includes(e)).length;
    const refreshes = during.filter((e) =>
      ctx.traffic.matching(ctx.traffic.refreshPattern).includes(e),
    ).length;
    const metrics = { saveSends: sends, refreshCalls: refreshes };
    if (sends > MAX_SENDS || refreshes > MAX_SENDS) {
      return failed(
        `a retry loop: the save was sent ${sends} times and the refresh called ${refreshes} times in ${WINDOW_MS / 1000} s`,
        metrics,
      );
    }
    return passed(
      `bounded: the save was sent ${sends} time(s), the refresh called ${refreshes} time(s)`,
      metrics,
    );
  },
};
