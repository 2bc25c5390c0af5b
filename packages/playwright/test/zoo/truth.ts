/**
 * Ground truth: whether a zoo app survives a scenario, decided from the REAL event — an access token that
 * expired on its own (1.5 s lifetime), a refresh family the server really revoked, a refresh that really
 * answered 503 — and from what a person (and the server) would observe. Uses only Playwright, the zoo server's
 * own switches and observation: nothing of the audit or its chaos helpers.
 */
import type { Browser, BrowserContext, Page } from '@playwright/test';
import {
  startThirdParty,
  startZooApp,
  type ThirdParty,
  type ZooServer,
  type ZooStats,
} from './server/index.js';
import { ZOO_USER, type ZooApp } from './types.js';

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

export interface Truth {
  verdict: 'passed' | 'failed';
  evidence: string;
}

export interface TruthOptions {
  browser: Browser;
  /** Access-token lifetime of the app's fresh server (default 1500 ms). */
  accessTtlMs?: number;
}

/** app name → scenario → truth. */
export type TruthTable = Record<string, Record<ZooScenario, Truth>>;

const OUTCOME_MS = 8_000;
const SCENARIO_BUDGET_MS = 50_000;
const CLOSE_MS = 5_000;

class StepTimeout extends Error {}

/** The promise, or a StepTimeout after ms (the promise is left to settle on its own). */
function within<T>(ms: number, promise: Promise<T>, step: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StepTimeout(`${step}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
const passed = (evidence: string): Truth => ({ verdict: 'passed', evidence });
const failed = (evidence: string): Truth => ({ verdict: 'failed', evidence });
const FROZE = failed('page froze');

/** Thrown inside a scenario to end it with a verdict (the page froze, sign-in impossible…). */
class Verdict extends Error {
  constructor(readonly truth: Truth) {
    super(truth.evidence);
  }
}

/** One run of one scenario: a fresh server, third party, context and page. */
class Run {
  /** Set once signed in: the page went to the login page afterwards. */
  visitedLogin = false;
  private armed = false;
  private inflight = 0;
  private lastActivity = Date.now();
  private counter = 0;

  constructor(
    readonly page: Page,
    readonly zoo: ZooServer,
    readonly third: ThirdParty,
    readonly app: ZooApp,
  ) {
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame() && this.armed && pathOf(frame.url()) === '/login')
        this.visitedLogin = true;
    });
    const settle = () => {
      this.inflight = Math.max(0, this.inflight - 1);
      this.lastActivity = Date.now();
    };
    page.on('request', (request) => {
      this.inflight++;
      this.lastActivity = Date.now();
      // A navigation to /login counts from the moment it leaves, not only when it commits.
      if (
        this.armed &&
        request.isNavigationRequest() &&
        request.frame() === page.mainFrame() &&
        pathOf(request.url()) === '/login'
      ) {
        this.visitedLogin = true;
      }
    });
    page.on('requestfinished', settle);
    page.on('requestfailed', settle);
  }

  get onLogin() {
    return pathOf(this.page.url()) === '/login';
  }

  uniqueText() {
    this.counter++;
    return `zoo note ${this.counter} ${Math.random().toString(36).slice(2, 10)}`;
  }

  stats(): Promise<ZooStats> {
    return within(5_000, this.zoo.control.stats(), 'server stats');
  }

  /** Evaluates a source string in the page; a page that does not answer within 2 s froze. */
  async probe<T>(source: string): Promise<T | undefined> {
    try {
      return (await within(2_000, this.page.evaluate(source), 'page probe')) as T;
    } catch (error) {
      if (error instanceof StepTimeout) throw new Verdict(FROZE);
      return undefined; // navigating: the execution context went away
    }
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
      await page.waitForLoadState('load', { timeout: 5_000 }).catch(() => {});
      await page.goto('/login', { timeout: 10_000 }).catch(async () => {
        await sleep(300);
        await page.goto('/login', { timeout: 10_000 });
      });
      await page.locator('input[name=email]').waitFor({ state: 'visible', timeout: OUTCOME_MS });
      await page.fill('input[name=email]', ZOO_USER.email, { timeout: 5_000 });
      await page.fill('input[name=password]', ZOO_USER.password, { timeout: 5_000 });
      await page.click('button[type=submit]', { timeout: 5_000 });
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
  async waitForExpiry() {
    const { accessExpiresAt } = await this.stats();
    await sleep(accessExpiresAt + 150 - Date.now());
  }

  async type(text: string) {
    try {
      await this.page.fill('#note', text, { timeout: 5_000 });
    } catch (error) {
      throw new Verdict(failed(`could not type into #note (${firstLine(error)})`));
    }
  }

  /**
   * Clicks Save as a person would. A click that has not returned within a second may be stuck in a renderer
   * that stopped responding: then the page is probed, and one that does not answer froze.
   */
  async clickSave() {
    const click = this.page.click('#save', { timeout: 5_000 }).then(
      () => true,
      () => false,
    );
    const early = await Promise.race([click, sleep(1_000).then(() => undefined)]);
    if (early === true) return;
    await this.probe('true'); // throws the 'page froze' verdict
    if (!(await click)) {
      await this.probe('true');
      if (!this.visitedLogin) throw new Verdict(failed('could not click Save'));
    }
  }

  /**
   * Waits (up to 8 s) for the save to end: saved, an error shown, or the login page. An app that logs out shows
   * the error of the failed save just before it leaves for /login: an error counts once the page stayed put
   * for another second.
   */
  async saveOutcome(): Promise<'saved' | 'error' | 'login' | 'nothing'> {
    const deadline = Date.now() + OUTCOME_MS;
    let errorSince: number | undefined;
    while (Date.now() < deadline) {
      if (this.visitedLogin || this.onLogin) return 'login';
      const state = await this.probe<{ saved: boolean; error: boolean }>(
        `({ saved: !!document.querySelector('.saved')?.checkVisibility(), error: !!document.querySelector('.error') })`,
      );
      if (state?.saved) return 'saved';
      if (state?.error) {
        errorSince ??= Date.now();
        if (Date.now() - errorSince >= 1_000 && this.inflight === 0) return 'error';
      }
      await sleep(100);
    }
    return errorSince === undefined ? 'nothing' : 'error';
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
  await within(5_000, run.zoo.control.rejectAll(true), 'reject all');
  try {
    const before = (await run.stats()).notePosts;
    await run.clickSave();
    const end = Date.now() + 3_000;
    while (Date.now() < end) {
      await run.probe('true');
      await sleep(200);
    }
    const posts = (await run.stats()).notePosts - before;
    const where = run.visitedLogin || run.onLogin ? '; then went to the login page' : '';
    if (posts <= 3) return passed(`the save was sent ${posts} time(s) in 3 s${where}: no loop`);
    return failed(`a retry loop: the save was sent ${posts} times in 3 s`);
  } finally {
    await within(5_000, run.zoo.control.rejectAll(false), 'reject all off').catch(() => {});
  }
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
  const seen = run.third.seen();
  if (seen.length === 0) return failed('the dashboard never called the third party: nothing to judge');
  const leaked = new Set<string>();
  for (const request of seen) {
    if (request.authorization) leaked.add('Authorization');
    if (request.xAccessToken) leaked.add('x-access-token');
    const names = (request.cookie ?? '').split(';').map((part) => part.split('=')[0]?.trim());
    if (names.includes('access_token')) leaked.add('cookie access_token');
    if (names.includes('refresh_token')) leaked.add('cookie refresh_token');
  }
  if (leaked.size) {
    return failed(
      `the third party (${run.third.origin}) received the app's credential: ${[...leaked].join(', ')}`,
    );
  }
  return passed(`the third party received ${seen.length} request(s), none with the app's credential`);
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
  const third = await startThirdParty();
  let zoo: ZooServer | undefined;
  let context: BrowserContext | undefined;
  let truth: Truth;
  try {
    zoo = await startZooApp(app, {
      accessTtlMs: options.accessTtlMs ?? 1_500,
      thirdPartyOrigin: third.origin,
    });
    context = await within(10_000, options.browser.newContext({ baseURL: zoo.origin }), 'new context');
    const page = await within(10_000, context.newPage(), 'new page');
    page.setDefaultTimeout(5_000);
    const run = new Run(page, zoo, third, app);
    truth = await within(SCENARIO_BUDGET_MS, RUNNERS[scenario](run), scenario);
  } catch (error) {
    if (error instanceof Verdict) truth = error.truth;
    else if (error instanceof StepTimeout) truth = failed(`timed out: ${error.message}`);
    else truth = failed(`error: ${firstLine(error)}`);
  }
  if (context) {
    const closing = context.close().then(
      () => true,
      () => true,
    );
    const closed = await Promise.race([closing, sleep(CLOSE_MS).then(() => false)]);
    if (!closed) truth = { ...truth, evidence: `${truth.evidence}; closing the context hung for 5 s` };
  }
  await Promise.all([zoo?.close(), third.close()]);
  return truth;
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
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const { app, scenario } = jobs[next++]!;
      const truthOptions: TruthOptions = { browser };
      if (options.accessTtlMs !== undefined) truthOptions.accessTtlMs = options.accessTtlMs;
      const started = Date.now();
      const truth = await truthFor(app, scenario, truthOptions);
      table[app.name]![scenario] = truth;
      options.onTruth?.(app, scenario, truth, Date.now() - started);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 3) }, worker));
  return table;
}

/** The table as text: one row per app, one column per scenario, ✓ passed / ✗ failed. */
export function formatTruthTable(
  table: TruthTable,
  scenarios: readonly ZooScenario[] = ZOO_SCENARIOS,
): string {
  const names = Object.keys(table);
  const width = Math.max(...names.map((name) => name.length), 3);
  const head = ['app'.padEnd(width), ...scenarios].join(' | ');
  const rows = names.map((name) =>
    [
      name.padEnd(width),
      ...scenarios.map((scenario) => {
        const verdict = table[name]?.[scenario]?.verdict;
        return (verdict === 'passed' ? 'passed' : verdict === 'failed' ? 'FAILED' : '-').padEnd(
          scenario.length,
        );
      }),
    ].join(' | '),
  );
  return [head, '-'.repeat(head.length), ...rows].join('\n');
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

/** Tells the page it is hidden or visible the way the browser would (a source string: nothing to transpile). */
function visibilitySource(state: 'hidden' | 'visible'): string {
  return `(() => {
    const next = ${JSON.stringify(state)};
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => next });
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => next === 'hidden' });
    document.dispatchEvent(new Event('visibilitychange'));
    window.dispatchEvent(new Event(next === 'visible' ? 'focus' : 'blur'));
    return true;
  })()`;
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return '';
  }
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}
