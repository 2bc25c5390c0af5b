/**
 * The steps both truth harnesses (truth.ts for the notes apps, truth-journeys.ts for the journey and tab apps)
 * share: bounded steps, verdicts, a watched page, signing in through the form, the third-party judgement, one
 * run's setup and teardown, the worker pool and the table's text. Uses only Playwright and the zoo server:
 * nothing of the audit or its chaos helpers.
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

export interface Truth {
  verdict: 'passed' | 'failed';
  evidence: string;
}

export const OUTCOME_MS = 8_000;
export const SCENARIO_BUDGET_MS = 50_000;
const CLOSE_MS = 5_000;

export class StepTimeout extends Error {}

/** The promise, or a StepTimeout after ms (the promise is left to settle on its own). */
export function within<T>(ms: number, promise: Promise<T>, step: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StepTimeout(`${step}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
export const passed = (evidence: string): Truth => ({ verdict: 'passed', evidence });
export const failed = (evidence: string): Truth => ({ verdict: 'failed', evidence });
const FROZE = failed('page froze');

/** Thrown inside a scenario to end it with a verdict (the page froze, sign-in impossible…). */
export class Verdict extends Error {
  constructor(readonly truth: Truth) {
    super(truth.evidence);
  }
}

/** A page under watch: whether it went to the login page once armed, its requests in flight. */
export class WatchedPage {
  /** Set once signed in (armed): the page went to the login page afterwards. */
  visitedLogin = false;
  armed = false;
  inflight = 0;
  lastActivity = Date.now();

  constructor(
    readonly page: Page,
    readonly loginPath: string,
  ) {
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame() && this.armed && pathOf(frame.url()) === loginPath)
        this.visitedLogin = true;
    });
    const settle = () => {
      this.inflight = Math.max(0, this.inflight - 1);
      this.lastActivity = Date.now();
    };
    page.on('request', (request) => {
      this.inflight++;
      this.lastActivity = Date.now();
      // A navigation to the login page counts from the moment it leaves, not only when it commits.
      if (
        this.armed &&
        request.isNavigationRequest() &&
        request.frame() === page.mainFrame() &&
        pathOf(request.url()) === loginPath
      ) {
        this.visitedLogin = true;
      }
    });
    page.on('requestfinished', settle);
    page.on('requestfailed', settle);
  }

  get onLogin() {
    return pathOf(this.page.url()) === this.loginPath;
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
   * An action a person takes on the page (a click, picking an option). One that has not returned within a
   * second may be stuck in a renderer that stopped responding: then the page is probed, and one that does not
   * answer froze.
   */
  async act(action: () => Promise<unknown>, what: string) {
    const done = action().then(
      () => true,
      () => false,
    );
    const early = await Promise.race([done, sleep(1_000).then(() => undefined)]);
    if (early === true) return;
    await this.probe('true'); // throws the 'page froze' verdict
    if (!(await done)) {
      await this.probe('true');
      if (!this.visitedLogin) throw new Verdict(failed(`could not ${what}`));
    }
  }
}

/**
 * Opens the login page (letting a navigation the app is already making land first) and submits the form with
 * the zoo user's email and password, as a person would.
 */
export async function submitSignInForm(page: Page, loginPath: string) {
  await page.waitForLoadState('load', { timeout: 5_000 }).catch(() => {});
  await page.goto(loginPath, { timeout: 10_000 }).catch(async () => {
    await sleep(300);
    await page.goto(loginPath, { timeout: 10_000 });
  });
  await page.locator('input[name=email]').waitFor({ state: 'visible', timeout: OUTCOME_MS });
  await page.fill('input[name=email]', ZOO_USER.email, { timeout: 5_000 });
  await page.fill('input[name=password]', ZOO_USER.password, { timeout: 5_000 });
  await page.click('button[type=submit]', { timeout: 5_000 });
}

export type SaveOutcome = 'saved' | 'error' | 'login' | 'nothing';

/**
 * Waits (up to 8 s) for a save to end: saved (as `stateSource` or `savedElsewhere` shows it), an error shown,
 * or the login page. An app that logs out shows the error of the failed save just before it leaves for the
 * login page: an error counts once the page stayed put for another second.
 */
export async function waitForSaveOutcome(
  watched: WatchedPage,
  stateSource: string,
  savedElsewhere: () => boolean = () => false,
): Promise<SaveOutcome> {
  const deadline = Date.now() + OUTCOME_MS;
  let errorSince: number | undefined;
  while (Date.now() < deadline) {
    if (watched.visitedLogin || watched.onLogin) return 'login';
    if (savedElsewhere()) return 'saved';
    const state = await watched.probe<{ saved: boolean; error: boolean }>(stateSource);
    if (state?.saved) return 'saved';
    if (state?.error) {
      errorSince ??= Date.now();
      if (Date.now() - errorSince >= 1_000 && watched.inflight === 0) return 'error';
    }
    await sleep(100);
  }
  return errorSince === undefined ? 'nothing' : 'error';
}

/**
 * `still-unauthorized`: with the server answering 401 to every API call (the refresh still works), `save`,
 * then at least 3 s of watching the page — longer while the save or the refresh keeps being called, so a
 * loop slowed by a busy machine is still counted as one (up to 12 s). Passed iff the save was sent at most 3
 * times and the refresh called at most 3 times (both counted on the server): no retry loop, and no
 * login-page ↔ app redirect loop that keeps refreshing.
 */
export async function saveWhileRejected(
  zoo: ZooServer,
  watched: WatchedPage,
  save: () => Promise<void>,
  posts: (stats: ZooStats) => number,
  loginPage: string,
): Promise<Truth> {
  const stats = () => within(5_000, zoo.control.stats(), 'server stats');
  const count = async () => {
    const now = await stats();
    return { posts: posts(now), refreshes: now.refreshCalls };
  };
  const watch = async (ms: number) => {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      await watched.probe('true');
      await sleep(200);
    }
  };
  const activity = (c: { posts: number; refreshes: number }) => c.posts + c.refreshes;
  await within(5_000, zoo.control.rejectAll(true), 'reject all');
  try {
    const before = await count();
    const started = Date.now();
    await save();
    await watch(1_500);
    let mark = activity(await count());
    await watch(1_500);
    let now = activity(await count());
    while (now !== mark && Date.now() - started < 12_000) {
      mark = now;
      await watch(2_000);
      now = activity(await count());
    }
    const after = await count();
    const seconds = Math.round((Date.now() - started) / 100) / 10;
    const sent = after.posts - before.posts;
    const refreshed = after.refreshes - before.refreshes;
    const where = watched.visitedLogin || watched.onLogin ? `; then went to the ${loginPage}` : '';
    if (sent <= 3 && refreshed <= 3)
      return passed(
        `the save was sent ${sent} time(s), the refresh called ${refreshed} time(s) in ${seconds} s${where}: no loop`,
      );
    return failed(
      `a retry loop: the save was sent ${sent} times, the refresh called ${refreshed} times in ${seconds} s${where}`,
    );
  } finally {
    await within(5_000, zoo.control.rejectAll(false), 'reject all off').catch(() => {});
  }
}

/** Until the latest access token the server issued has really expired (its own record of `exp`, plus a margin). */
export async function waitForExpiry(zoo: ZooServer) {
  const { accessExpiresAt } = await within(5_000, zoo.control.stats(), 'server stats');
  await sleep(accessExpiresAt + 150 - Date.now());
}

/** Whether any request the third party received carried the app's credential. */
export function thirdPartyTruth(third: ThirdParty): Truth {
  const seen = third.seen();
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
      `the third party (${third.origin}) received the app's credential: ${[...leaked].join(', ')}`,
    );
  }
  return passed(`the third party received ${seen.length} request(s), none with the app's credential`);
}

/**
 * One run: the app's own fresh server (and third party), a fresh context, `play`; everything closed
 * afterwards. A Verdict, a StepTimeout or any other error thrown ends it as a failed truth.
 */
export async function truthRun(
  app: ZooApp,
  browser: Browser,
  accessTtlMs: number,
  play: (context: BrowserContext, zoo: ZooServer, third: ThirdParty) => Promise<Truth>,
): Promise<Truth> {
  const third = await startThirdParty();
  let zoo: ZooServer | undefined;
  let context: BrowserContext | undefined;
  let truth: Truth;
  try {
    zoo = await startZooApp(app, { accessTtlMs, thirdPartyOrigin: third.origin });
    context = await within(10_000, browser.newContext({ baseURL: zoo.origin }), 'new context');
    truth = await play(context, zoo, third);
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

export interface PoolOptions<S extends string> {
  concurrency?: number;
  accessTtlMs?: number;
  /** Called as each truth is known (with how long it took). */
  onTruth?: (app: ZooApp, scenario: S, truth: Truth, ms: number) => void;
}

/** Computes every job's truth into `table`, `concurrency` runs at a time in one shared browser. */
export async function fillTruthTable<S extends string>(
  table: Record<string, Partial<Record<S, Truth>>>,
  jobs: ReadonlyArray<{ app: ZooApp; scenario: S }>,
  browser: Browser,
  options: PoolOptions<S>,
  truthOf: (app: ZooApp, scenario: S, options: { browser: Browser; accessTtlMs?: number }) => Promise<Truth>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const { app, scenario } = jobs[next++]!;
      const truthOptions: { browser: Browser; accessTtlMs?: number } = { browser };
      if (options.accessTtlMs !== undefined) truthOptions.accessTtlMs = options.accessTtlMs;
      const started = Date.now();
      const truth = await truthOf(app, scenario, truthOptions);
      table[app.name]![scenario] = truth;
      options.onTruth?.(app, scenario, truth, Date.now() - started);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 3) }, worker));
}

/** The table as text: one row per app, one column per scenario; passed / FAILED / - (none). */
export function formatTable<S extends string>(
  table: Record<string, Partial<Record<S, Truth>>>,
  scenarios: readonly S[],
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

/** Tells the page it is hidden or visible the way the browser would (a source string: nothing to transpile). */
export function visibilitySource(state: 'hidden' | 'visible'): string {
  return `(() => {
    const next = ${JSON.stringify(state)};
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => next });
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => next === 'hidden' });
    document.dispatchEvent(new Event('visibilitychange'));
    window.dispatchEvent(new Event(next === 'visible' ? 'focus' : 'blur'));
    return true;
  })()`;
}

export function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return '';
  }
}

export function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}
