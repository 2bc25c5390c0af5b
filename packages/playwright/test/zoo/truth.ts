/**
 * Ground truth: whether a zoo app survives a scenario, decided from the REAL event — an access token that
 * expired on its own (1.5 s lifetime), a refresh family the server really revoked, a refresh that really
 * answered 503 — and from what a person (and the server) would observe. Uses only Playwright, the zoo server's
 * own switches and observation: nothing of the audit or its chaos helpers.
 */
import type { Browser, Page } from '@playwright/test';
import type { ThirdParty, ZooServer, ZooStats } from './server/index.js';
import {
  failed,
  fillTruthTable,
  firstLine,
  formatTable,
  OUTCOME_MS,
  passed,
  pathOf,
  type SaveOutcome,
  SCENARIO_BUDGET_MS,
  saveWhileRejected,
  sleep,
  submitSignInForm,
  type Truth,
  thirdPartyTruth,
  truthRun,
  Verdict,
  visibilitySource,
  WatchedPage,
  waitForExpiry,
  waitForSaveOutcome,
  within,
} from './truth-steps.js';
import type { ZooApp } from './types.js';

export type { Truth } from './truth-steps.js';

/** The audit's scenario names, in the order the audit reports them. */
export const ZOO_SCENARIOS = [
  'mid-flight-expiry',
  'concurrent-expiry',
  'refresh-rejected',
  'refresh-unavailable',
  'still-unauthorized',
  'idle-return',
  'token-leak',
] as const;
export type ZooScenario = (typeof ZOO_SCENARIOS)[number];

export interface TruthOptions {
  browser: Browser;
  /** Access-token lifetime of the app's fresh server (default 1500 ms). */
  accessTtlMs?: number;
}

/** app name → scenario → truth. */
export type TruthTable = Record<string, Record<ZooScenario, Truth>>;

/** One run of one scenario: a fresh server, third party, context and page. */
class Run extends WatchedPage {
  private counter = 0;

  constructor(
    page: Page,
    readonly zoo: ZooServer,
    readonly third: ThirdParty,
    readonly app: ZooApp,
  ) {
    super(page, '/login');
  }

  uniqueText() {
    this.counter++;
    return `zoo note ${this.counter} ${Math.random().toString(36).slice(2, 10)}`;
  }

  stats(): Promise<ZooStats> {
    return within(5_000, this.zoo.control.stats(), 'server stats');
  }

  /**
   * Signs in through the login form as a person would, and waits for the notes list. A person whose first try
   * did not get them to their notes tries once more (on a loaded machine the page can take longer than the
   * 1.5 s token lifetime to show the list).
   */
  async signIn() {
    try {
      await this.signInOnce();
    } catch {
      await this.signInOnce();
    }
  }

  private async signInOnce() {
    const { page } = this;
    this.armed = false;
    try {
      // The app may be on its own way to /login: let that navigation land before starting ours.
      await submitSignInForm(page, '/login');
      await page.waitForURL('**/notes', { timeout: OUTCOME_MS });
      await page.locator('#notes.loaded').waitFor({ state: 'attached', timeout: OUTCOME_MS });
    } catch (error) {
      throw new Verdict(failed(`could not sign in (${firstLine(error)}; at ${pathOf(page.url())})`));
    }
    this.armed = true;
  }

  /** No request in flight for quietMs (at most maxMs). */
  async networkQuiet(quietMs = 500, maxMs = 5_000) {
    const deadline = Date.now() + maxMs;
    while (Date.now() < deadline) {
      if (this.inflight === 0 && Date.now() - this.lastActivity >= quietMs) return;
      await sleep(100);
    }
  }

  /**
   * Until the latest access token the server issued has really expired: the server's own record of its `exp`
   * (1.5 s after issue, rounded up to a whole second), plus a margin. No clock is faked, nothing is forced.
   */
  waitForExpiry() {
    return waitForExpiry(this.zoo);
  }

  async type(text: string) {
    try {
      await this.page.fill('#note', text, { timeout: 5_000 });
    } catch (error) {
      throw new Verdict(failed(`could not type into #note (${firstLine(error)})`));
    }
  }

  /** Clicks Save as a person would (a click stuck in a frozen renderer: the page froze). */
  clickSave() {
    return this.act(() => this.page.click('#save', { timeout: 5_000 }), 'click Save');
  }

  /** Waits (up to 8 s) for the save to end: saved, an error shown, or the login page. */
  saveOutcome(): Promise<SaveOutcome> {
    return waitForSaveOutcome(
      this,
      `({ saved: !!document.querySelector('.saved')?.checkVisibility(), error: !!document.querySelector('.error') })`,
    );
  }

  async noteValue(): Promise<string | undefined> {
    return this.probe<string | undefined>(`document.querySelector('#note')?.value`);
  }

  /** The save of `text` survived: shown as saved, the text still in the field, no trip to /login, on the server. */
  async judgeSaved(text: string, outcome: Awaited<ReturnType<Run['saveOutcome']>>): Promise<Truth> {
    if (outcome === 'login') return failed('sent to the login page: the typed text was lost');
    if (outcome === 'error') {
      const message = await this.probe<string>(`document.querySelector('.error')?.textContent ?? ''`);
      return failed(`the save failed and the app said so (${message})`);
    }
    if (outcome === 'nothing') return failed(`nothing happened within ${OUTCOME_MS / 1000} s of Save`);
    const kept = (await this.noteValue()) === text;
    const onServer = (await this.stats()).notes.includes(text);
    if (this.visitedLogin) return failed('went to the login page on the way');
    if (!onServer) return failed('showed "saved" but the server has no such note');
    if (!kept) return failed('saved, but the typed text was cleared from the field');
    return passed('saved after the token expired; text kept; never on the login page');
  }
}

async function midFlightOrIdle(run: Run, idle: boolean): Promise<Truth> {
  await run.signIn();
  const text = run.uniqueText();
  await run.type(text);
  if (idle) await run.probe(visibilitySource('hidden'));
  await run.waitForExpiry();
  if (idle) await run.probe(visibilitySource('visible'));
  await run.clickSave();
  return run.judgeSaved(text, await run.saveOutcome());
}

async function concurrentExpiry(run: Run): Promise<Truth> {
  await run.signIn();
  await run.networkQuiet();
  await run.waitForExpiry();
  const before = await run.stats();
  // The app's own link: an in-page navigation, as a person clicks it (a reload would resume the session afresh).
  try {
    await run.page.click('nav a[href="/dashboard"]', { timeout: 5_000 });
  } catch (error) {
    if ((await run.probe('true')) === undefined) throw error;
  }
  const deadline = Date.now() + OUTCOME_MS;
  let panels = { loaded: 0, failed: 0 };
  while (Date.now() < deadline && !run.visitedLogin && !run.onLogin) {
    panels = (await run.probe<typeof panels>(
      `({ loaded: document.querySelectorAll('[data-panel].loaded').length,
          failed: document.querySelectorAll('[data-panel].failed').length })`,
    )) ?? { loaded: 0, failed: 0 };
    if (panels.loaded + panels.failed >= 5) break;
    await sleep(100);
  }
  await run.networkQuiet(500, 3_000);
  const after = await run.stats();
  const refreshes = after.refreshCalls - before.refreshCalls;
  const reuse = after.reuseDetected - before.reuseDetected;
  const toLogin = run.visitedLogin || run.onLogin;
  const counted = refreshes === 1 ? [] : [`${refreshes} refresh calls (expected exactly 1)`];
  // The root cause first: refresh-token reuse (then the trip to /login follows), or else a trip to /login
  // (whose own page may refresh again).
  const problems =
    reuse > 0
      ? [
          ...counted,
          'the server detected refresh-token reuse and revoked the session',
          'sent to the login page',
        ]
      : toLogin
        ? ['sent to the login page', ...counted]
        : [...counted, ...(panels.loaded < 5 ? [`only ${panels.loaded} of 5 panels loaded`] : [])];
  if (reuse > 0 && !toLogin) problems.pop();
  if (problems.length) return failed(problems.join('; then '));
  return passed('all 5 panels loaded after 1 shared refresh');
}

async function refreshRejected(run: Run): Promise<Truth> {
  await run.signIn();
  const text = run.uniqueText();
  await run.type(text);
  await within(5_000, run.zoo.control.revokeRefresh(), 'revoke refresh');
  await run.waitForExpiry();
  await run.clickSave();
  const outcome = await run.saveOutcome();
  if (outcome === 'saved') return run.judgeSaved(text, outcome);
  if (outcome !== 'login') {
    const where =
      outcome === 'error' ? 'an error was shown' : `nothing happened within ${OUTCOME_MS / 1000} s`;
    return failed(`${where}; not sent to sign in again, so the text cannot be saved`);
  }
  await run.signIn();
  const value = await run.noteValue();
  if (value === text) return passed('signed in again: the typed text was back in the field');
  return failed('sent to the login page; after signing in again the typed text was gone');
}

async function refreshUnavailable(run: Run): Promise<Truth> {
  await run.signIn();
  const text = run.uniqueText();
  await run.type(text);
  await within(5_000, run.zoo.control.refresh503Once(), 'refresh 503 once');
  await run.waitForExpiry();
  await run.clickSave();
  return run.judgeSaved(text, await run.saveOutcome());
}

async function stillUnauthorized(run: Run): Promise<Truth> {
  await run.signIn();
  await run.type(run.uniqueText());
  return saveWhileRejected(
    run.zoo,
    run,
    () => run.clickSave(),
    (stats) => stats.notePosts,
    'login page',
  );
}

async function tokenLeak(run: Run): Promise<Truth> {
  await run.signIn();
  run.third.clear();
  await run.page.goto('/dashboard', { timeout: 10_000 });
  await run.page
    .locator('#status.done')
    .waitFor({ state: 'attached', timeout: OUTCOME_MS })
    .catch(() => {});
  await run.networkQuiet();
  return thirdPartyTruth(run.third);
}

const RUNNERS: Record<ZooScenario, (run: Run) => Promise<Truth>> = {
  'mid-flight-expiry': (run) => midFlightOrIdle(run, false),
  'concurrent-expiry': concurrentExpiry,
  'refresh-rejected': refreshRejected,
  'refresh-unavailable': refreshUnavailable,
  'still-unauthorized': stillUnauthorized,
  'idle-return': (run) => midFlightOrIdle(run, true),
  'token-leak': tokenLeak,
};

/**
 * The truth for one app and scenario: its own fresh server (and third party), a fresh context, the real
 * event, observation; everything closed afterwards. Never hangs: every step is bounded.
 */
export async function truthFor(app: ZooApp, scenario: ZooScenario, options: TruthOptions): Promise<Truth> {
  return truthRun(app, options.browser, options.accessTtlMs ?? 1_500, async (context, zoo, third) => {
    const page = await within(10_000, context.newPage(), 'new page');
    page.setDefaultTimeout(5_000);
    const run = new Run(page, zoo, third, app);
    return within(SCENARIO_BUDGET_MS, RUNNERS[scenario](run), scenario);
  });
}

/**
 * The truth for every app × scenario, `concurrency` runs at a time (each with its own servers and context) in
 * one shared browser.
 */
export async function computeTruthTable(
  apps: readonly ZooApp[],
  browser: Browser,
  options: {
    scenarios?: readonly ZooScenario[];
    concurrency?: number;
    accessTtlMs?: number;
    /** Called as each truth is known (with how long it took). */
    onTruth?: (app: ZooApp, scenario: ZooScenario, truth: Truth, ms: number) => void;
  } = {},
): Promise<TruthTable> {
  const scenarios = options.scenarios ?? ZOO_SCENARIOS;
  const table: TruthTable = {};
  const jobs = apps.flatMap((app) => scenarios.map((scenario) => ({ app, scenario })));
  for (const { app } of jobs) table[app.name] ??= {} as Record<ZooScenario, Truth>;
  await fillTruthTable(table, jobs, browser, options, truthFor);
  return table;
}

/** The table as text: one row per app, one column per scenario, ✓ passed / ✗ failed. */
export function formatTruthTable(
  table: TruthTable,
  scenarios: readonly ZooScenario[] = ZOO_SCENARIOS,
): string {
  return formatTable(table, scenarios);
}

/** Every failed truth with its evidence, one a line. */
export function formatTruthEvidence(table: TruthTable): string {
  return Object.entries(table)
    .flatMap(([name, row]) =>
      Object.entries(row).map(
        ([scenario, truth]) => `${name} · ${scenario}: ${truth.verdict} — ${truth.evidence}`,
      ),
    )
    .join('\n');
}
