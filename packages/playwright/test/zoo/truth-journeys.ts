/**
 * Ground truth for the zoo's journey apps (ZOO_JOURNEY_APPS: a select that saves on change, a create dialog,
 * no form, a sign-in page at /signin) and its multi-tab pair (ZOO_TAB_APPS), decided as truth.ts decides it:
 * from the REAL event — an access token that expired on its own (1.5 s lifetime, waited out), a refresh family
 * the server really revoked, a refresh that really answered 503, a sign-out really made in another tab — and
 * from what a person (and the server) would observe. Uses only Playwright, the zoo server's own switches and
 * observation: nothing of the audit or its chaos helpers.
 *
 * Scenarios beyond the audit's seven:
 * - `tabs`: one browser context, three tabs of the app signed in (tab 1 through the form, tabs 2-3 opened
 *   afterwards, picking the tokens up from localStorage); after the expiry, "Reload data" is clicked in all three
 *   at one wall-clock moment (each tab schedules its click for the same instant: three people cannot click
 *   three tabs at once, but tabs that wake, poll or retry together do exactly this). Passed iff the server
 *   detected no refresh-token reuse, no tab went to the login page, and every tab loaded its panels again.
 * - `logout-everywhere`: three tabs signed in; Sign out in tab 1 (the real event here: nothing expires, so the
 *   server gives this run a 60 s lifetime — with 1.5 s, whether a tab's old token still worked would depend on
 *   how fast the machine is). Passed iff no other tab goes on using the old session: each either leaves for the
 *   sign-in page by itself, or — when a person then clicks "Reload data" in it — makes no API call with an
 *   access token of the signed-out session (the server knows which tokens belong to it, and counts how many of
 *   those calls it still served: a logout revokes the refresh family, access tokens live until they expire).
 */
import type { Browser, BrowserContext, Page } from '@playwright/test';
import type { ThirdParty, ZooServer, ZooStats } from './server/index.js';
import type { ZooScenario } from './truth.js';
import {
  failed,
  fillTruthTable,
  firstLine,
  formatTable,
  OUTCOME_MS,
  type SaveOutcome as Outcome,
  passed,
  pathOf,
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
import { type ZooApp, zooHome, zooLoginPath } from './types.js';

/** Every scenario a journey or tab app can have a truth for, in report order. */
export const JOURNEY_SCENARIOS = [
  'mid-flight-expiry',
  'concurrent-expiry',
  'refresh-rejected',
  'refresh-unavailable',
  'still-unauthorized',
  'idle-return',
  'token-leak',
  'tabs',
  'logout-everywhere',
] as const;
export type JourneyScenario = ZooScenario | 'tabs' | 'logout-everywhere';

/** The scenarios that change something and save it. */
export const SAVE_SCENARIOS = [
  'mid-flight-expiry',
  'refresh-rejected',
  'refresh-unavailable',
  'still-unauthorized',
  'idle-return',
] as const satisfies readonly JourneyScenario[];

/** app name → scenario → truth (only the scenarios computed). */
export type JourneyTruthTable = Record<string, Partial<Record<JourneyScenario, Truth>>>;

export interface JourneyTruthOptions {
  browser: Browser;
  /** Access-token lifetime of the app's fresh server (default 1500 ms). */
  accessTtlMs?: number;
}

/**
 * The scenarios that mean something for an app: the save scenarios where there is something to save, the
 * concurrent calls and the third-party call for every app, the tab scenarios for the multi-tab pair.
 */
export function journeyScenariosFor(app: ZooApp): readonly JourneyScenario[] {
  const ui = app.ui ?? 'notes';
  if (ui === 'tabs') return ['concurrent-expiry', 'token-leak', 'tabs', 'logout-everywhere'];
  if (ui === 'dashboard') return ['concurrent-expiry', 'token-leak'];
  return JOURNEY_SCENARIOS.filter((s) => s !== 'tabs' && s !== 'logout-everywhere');
}

const TABS = 3;
/** The access-token lifetime for `logout-everywhere` (see its doc at the top). */
const LOGOUT_TTL_MS = 60_000;

/** One tab: its page, whether it went to the sign-in page once armed, its requests in flight. */
class Tab extends WatchedPage {
  constructor(page: Page, loginPath: string, dialogs: string[]) {
    super(page, loginPath);
    // A person reads the alert and clicks OK.
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      dialog.accept().catch(() => {});
    });
  }

  get lostSession() {
    return this.visitedLogin || this.onLogin;
  }
}

/** What a page shows once it has loaded, by path. */
function readySource(path: string, panels: number): string {
  switch (path) {
    case '/notes':
      return `!!document.querySelector('#notes.loaded')`;
    case '/settings':
      return `!!document.querySelector('#theme.loaded')`;
    case '/tasks':
      return `!!document.querySelector('#tasks.loaded')`;
    default:
      return `document.querySelectorAll('[data-panel].loaded').length >= ${panels}`;
  }
}

/** One run of one scenario: a fresh server, third party and context; one tab, or three. */
class Run {
  readonly tabs: Tab[] = [];
  /** The messages of every dialog (alert, confirm) any tab showed, in order. */
  readonly dialogs: string[] = [];
  readonly loginPath: string;
  readonly home: string;
  readonly panels: number;
  private counter = 0;

  constructor(
    readonly context: BrowserContext,
    readonly zoo: ZooServer,
    readonly third: ThirdParty,
    readonly app: ZooApp,
  ) {
    this.loginPath = zooLoginPath(app.shape);
    this.home = zooHome(app.ui);
    this.panels = app.ui === 'tabs' ? 3 : 5;
  }

  /** The first tab. */
  get tab(): Tab {
    return this.tabs[0]!;
  }

  async newTab(): Promise<Tab> {
    const page = await within(10_000, this.context.newPage(), 'new page');
    page.setDefaultTimeout(5_000);
    const tab = new Tab(page, this.loginPath, this.dialogs);
    this.tabs.push(tab);
    return tab;
  }

  uniqueText(kind: string) {
    this.counter++;
    return `zoo ${kind} ${this.counter} ${Math.random().toString(36).slice(2, 10)}`;
  }

  stats(): Promise<ZooStats> {
    return within(5_000, this.zoo.control.stats(), 'server stats');
  }

  /** Waits until the page at `path` shows it loaded (its list, its select, its panels). */
  async ready(tab: Tab, path: string) {
    const deadline = Date.now() + OUTCOME_MS;
    while (Date.now() < deadline) {
      if (tab.onLogin) throw new Error(`sent to ${this.loginPath}`);
      if (await tab.probe<boolean>(readySource(path, this.panels))) return;
      await sleep(100);
    }
    throw new Error(`${path} did not finish loading within ${OUTCOME_MS / 1000} s`);
  }

  /**
   * Signs in through the sign-in form as a person would and, once it landed, opens `then` by URL (as the audit's
   * journey `path` does; default: stays where sign-in landed); waits for that page to load. A person whose try
   * did not get them there (a redirect client whose token expired on the way: on a loaded machine that takes
   * longer than the 1.5 s lifetime) signs in again, up to 3 times in all.
   */
  async signIn(tab = this.tab, then = this.home) {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.signInOnce(tab, then);
      } catch (error) {
        if (attempt >= 3) throw error;
      }
    }
  }

  private async signInOnce(tab: Tab, then: string) {
    const { page } = tab;
    tab.armed = false;
    try {
      await submitSignInForm(page, this.loginPath);
      if (then === this.home) await page.waitForURL(`**${this.home}`, { timeout: OUTCOME_MS });
      else {
        // On to the journey's page as soon as sign-in has landed, without waiting for that page to load.
        await page.waitForURL(`**${this.home}`, { timeout: OUTCOME_MS, waitUntil: 'commit' });
        await page.goto(then, { timeout: 10_000 });
      }
      await this.ready(tab, then);
    } catch (error) {
      const where = then === this.home ? '' : ` and open ${then}`;
      throw new Verdict(failed(`could not sign in${where} (${firstLine(error)}; at ${pathOf(page.url())})`));
    }
    tab.armed = true;
  }

  /** No request in flight in any tab for quietMs (at most maxMs). */
  async networkQuiet(quietMs = 500, maxMs = 5_000) {
    const deadline = Date.now() + maxMs;
    while (Date.now() < deadline) {
      const busy = this.tabs.some((t) => t.inflight > 0 || Date.now() - t.lastActivity < quietMs);
      if (!busy) return;
      await sleep(100);
    }
  }

  /** Until the latest access token the server issued has really expired (its own record of `exp`, plus a margin). */
  waitForExpiry() {
    return waitForExpiry(this.zoo);
  }

  /**
   * An action a person takes on the page (a click, picking an option). One that has not returned within a
   * second may be stuck in a renderer that stopped responding: then the page is probed.
   */
  act(action: () => Promise<unknown>, what: string, tab = this.tab) {
    return tab.act(action, what);
  }
}

/** What a person does on one journey app, and how its success shows. */
interface Journey {
  /** The page the journey starts on. */
  path: string;
  /** What it creates or changes, for the evidence. */
  noun: string;
  /** Up to the save, before the expiry: open a dialog, type. Resolves the value that will be saved. */
  prepare(run: Run): Promise<string>;
  /** The save itself (after the expiry): click Save, or pick the option when that saves by itself. */
  commit(run: Run, value: string): Promise<void>;
  /** Source of a probe: `{ saved, error }` as the page shows them. */
  stateSource(value: string): string;
  /** After the page showed success: is it really saved (the server) and shown (the page)? A failure, or undefined. */
  confirm(run: Run, value: string, stats: ZooStats): Promise<string | undefined>;
  /** After signing in again and opening the page: is what the person had entered back? */
  restored(run: Run, value: string): Promise<boolean>;
  /** How many save requests the server received. */
  posts(stats: ZooStats): number;
}

const notesJourney: Journey = {
  path: '/notes',
  noun: 'note',
  async prepare(run) {
    const text = run.uniqueText('note');
    try {
      await run.tab.page.fill('#note', text, { timeout: 5_000 });
    } catch (error) {
      throw new Verdict(failed(`could not type into #note (${firstLine(error)})`));
    }
    return text;
  },
  commit: (run) => run.act(() => run.tab.page.click('#save', { timeout: 5_000 }), 'click Save'),
  stateSource: () =>
    `({ saved: !!document.querySelector('.saved')?.checkVisibility(), error: !!document.querySelector('.error') })`,
  async confirm(run, text, stats) {
    if (!stats.notes.includes(text)) return 'showed "saved" but the server has no such note';
    const kept = await run.tab.probe<string>(`document.querySelector('#note')?.value`);
    if (kept !== text) return 'saved, but the typed text was cleared from the field';
    return undefined;
  },
  restored: async (run, text) =>
    (await run.tab.probe<string>(`document.querySelector('#note')?.value`)) === text,
  posts: (stats) => stats.notePosts,
};

const settingsJourney: Journey = {
  path: '/settings',
  noun: 'theme',
  async prepare(run) {
    // Nothing to type: the person picks another theme, and that is the save.
    const current = await run.tab.probe<string>(`document.querySelector('#theme')?.value`);
    return current === 'dark' ? 'solarized' : 'dark';
  },
  commit: (run, theme) =>
    run.act(() => run.tab.page.selectOption('#theme', theme, { timeout: 5_000 }), `pick ${theme} in #theme`),
  // The alert is read through the run's dialog record (see Run.dialogs), not the page.
  stateSource: () => `({ saved: false, error: !!document.querySelector('.error') })`,
  async confirm(run, theme, stats) {
    if (stats.settings.theme !== theme)
      return `said "Settings saved" but the server's theme is ${stats.settings.theme}`;
    const shown = await run.tab.probe<string>(`document.querySelector('#theme')?.value`);
    if (shown !== theme) return `saved, but the select shows ${shown} instead of ${theme}`;
    return undefined;
  },
  restored: async (run, theme) =>
    (await run.tab.probe<string>(`document.querySelector('#theme')?.value`)) === theme,
  posts: (stats) => stats.settingsPuts,
};

const tasksJourney: Journey = {
  path: '/tasks',
  noun: 'task',
  async prepare(run) {
    const title = run.uniqueText('task');
    const { page } = run.tab;
    try {
      await page.click('#new-task', { timeout: 5_000 });
      await page.locator('div[role=dialog]').waitFor({ state: 'visible', timeout: 5_000 });
      await page.fill('div[role=dialog] input[name=title]', title, { timeout: 5_000 });
    } catch (error) {
      throw new Verdict(failed(`could not open the New task dialog and type (${firstLine(error)})`));
    }
    return title;
  },
  commit: (run) => run.act(() => run.tab.page.click('#create', { timeout: 5_000 }), 'click Save (#create)'),
  stateSource: (title) => `(() => {
    const listed = [...document.querySelectorAll('li.task')].some((li) => li.textContent === ${JSON.stringify(title)});
    return { saved: listed && !document.querySelector('[role=dialog]'), error: !!document.querySelector('[role=dialog] .error') };
  })()`,
  async confirm(_run, title, stats) {
    const onServer = stats.tasks.filter((t) => t === title).length;
    if (onServer === 0) return 'showed the task but the server has no such task';
    if (onServer > 1) return `the server created the task ${onServer} times`;
    return undefined;
  },
  restored: async (run, title) =>
    (await run.tab.probe<string>(
      `document.querySelector('[role=dialog] input[name=title]')?.value ?? ''`,
    )) === title,
  posts: (stats) => stats.taskPosts,
};

function journeyOf(app: ZooApp): Journey | undefined {
  switch (app.ui ?? 'notes') {
    case 'notes':
      return notesJourney;
    case 'settings':
      return settingsJourney;
    case 'tasks':
      return tasksJourney;
    default:
      return undefined;
  }
}

/**
 * Waits (up to 8 s) for the save to end (see waitForSaveOutcome). `dialogsBefore`: how many dialogs were seen
 * before the save (a `dialog` journey saves when one more shows).
 */
function saveOutcome(run: Run, journey: Journey, value: string, dialogsBefore: number): Promise<Outcome> {
  return waitForSaveOutcome(run.tab, journey.stateSource(value), () =>
    run.dialogs.slice(dialogsBefore).some((m) => m.includes('Settings saved')),
  );
}

async function judgeSaved(run: Run, journey: Journey, value: string, outcome: Outcome): Promise<Truth> {
  if (outcome === 'login') return failed(`sent to the sign-in page: the ${journey.noun} was lost`);
  if (outcome === 'error') {
    const message = await run.tab.probe<string>(`document.querySelector('.error')?.textContent ?? ''`);
    return failed(`the save failed and the app said so (${message})`);
  }
  if (outcome === 'nothing') return failed(`nothing happened within ${OUTCOME_MS / 1000} s of the save`);
  await run.networkQuiet(300, 2_000);
  const problem = await journey.confirm(run, value, await run.stats());
  if (run.tab.visitedLogin) return failed('went to the sign-in page on the way');
  if (problem) return failed(problem);
  return passed(`the ${journey.noun} was saved after the token expired; never on the sign-in page`);
}

async function saveScenario(
  run: Run,
  journey: Journey,
  scenario: (typeof SAVE_SCENARIOS)[number],
): Promise<Truth> {
  const { tab, zoo } = run;
  await run.signIn(tab, journey.path);
  const value = await journey.prepare(run);

  if (scenario === 'still-unauthorized') {
    return saveWhileRejected(
      zoo,
      tab,
      () => journey.commit(run, value),
      (stats) => journey.posts(stats),
      'sign-in page',
    );
  }

  if (scenario === 'refresh-rejected') await within(5_000, zoo.control.revokeRefresh(), 'revoke refresh');
  if (scenario === 'refresh-unavailable')
    await within(5_000, zoo.control.refresh503Once(), 'refresh 503 once');
  const idle = scenario === 'idle-return';
  if (idle) await tab.probe(visibilitySource('hidden'));
  await run.waitForExpiry();
  if (idle) await tab.probe(visibilitySource('visible'));
  const dialogsBefore = run.dialogs.length;
  await journey.commit(run, value);
  const outcome = await saveOutcome(run, journey, value, dialogsBefore);
  if (scenario !== 'refresh-rejected' || outcome === 'saved') return judgeSaved(run, journey, value, outcome);

  if (outcome !== 'login') {
    const where =
      outcome === 'error' ? 'an error was shown' : `nothing happened within ${OUTCOME_MS / 1000} s`;
    return failed(`${where}; not sent to sign in again, so the ${journey.noun} cannot be saved`);
  }
  await run.signIn(tab, journey.path);
  if (await journey.restored(run, value)) return passed(`signed in again: the ${journey.noun} was back`);
  return failed(`sent to the sign-in page; after signing in again the ${journey.noun} was gone`);
}

/** Source of a probe: how many panels loaded and failed. */
const PANELS_SOURCE = `({ loaded: document.querySelectorAll('[data-panel].loaded').length,
  failed: document.querySelectorAll('[data-panel].failed').length,
  reloads: Number(document.querySelector('.panels')?.dataset.reloads ?? 0) })`;
interface PanelState {
  loaded: number;
  failed: number;
  reloads: number;
}

/**
 * The panels fire at once after the expiry. How they are fired again depends on the app: an in-app link from
 * /notes to /dashboard (as truth.ts); "Reload data" (the multi-tab apps); and where sign-in lands on the
 * dashboard itself and there is no other page to come from, a reload of the page — the tokens are in
 * localStorage, so the reloaded page presents the expired token on all its calls at once, as a person coming
 * back to the tab and pressing F5 would.
 */
async function concurrentExpiry(run: Run): Promise<Truth> {
  const { tab, panels } = run;
  await run.signIn();
  await run.networkQuiet();
  await run.waitForExpiry();
  const before = await run.stats();
  try {
    if (run.app.ui === 'tabs') await tab.page.click('#reload-data', { timeout: 5_000 });
    else if (run.home === '/dashboard') await tab.page.reload({ timeout: 10_000 });
    else await tab.page.click('nav a[href="/dashboard"]', { timeout: 5_000 });
  } catch (error) {
    if ((await tab.probe('true')) === undefined) throw error;
  }
  const deadline = Date.now() + OUTCOME_MS;
  let state: PanelState = { loaded: 0, failed: 0, reloads: 0 };
  while (Date.now() < deadline && !tab.lostSession) {
    state = (await tab.probe<PanelState>(PANELS_SOURCE)) ?? state;
    if (state.loaded + state.failed >= panels) break;
    await sleep(100);
  }
  await run.networkQuiet(500, 3_000);
  const after = await run.stats();
  const refreshes = after.refreshCalls - before.refreshCalls;
  const reuse = after.reuseDetected - before.reuseDetected;
  const toLogin = tab.lostSession;
  // The root cause first: refresh-token reuse (then the trip to the sign-in page follows).
  const problems = [
    ...(refreshes === 1 ? [] : [`${refreshes} refresh calls (expected exactly 1)`]),
    ...(reuse > 0 ? ['the server detected refresh-token reuse and revoked the session'] : []),
    ...(toLogin ? ['sent to the sign-in page'] : []),
    ...(!toLogin && state.loaded < panels ? [`only ${state.loaded} of ${panels} panels loaded`] : []),
  ];
  if (problems.length) return failed(problems.join('; then '));
  return passed(`all ${panels} panels loaded after 1 shared refresh`);
}

async function tokenLeak(run: Run): Promise<Truth> {
  const { tab } = run;
  await run.signIn();
  run.third.clear();
  await tab.page.goto('/dashboard', { timeout: 10_000 });
  await tab.page
    .locator('#status.done')
    .waitFor({ state: 'attached', timeout: OUTCOME_MS })
    .catch(() => {});
  await run.networkQuiet();
  return thirdPartyTruth(run.third);
}

/** Signs in in tab 1, then opens tabs 2..3 on the page sign-in landed on (they take the tokens from localStorage). */
async function signInThreeTabs(run: Run) {
  await run.newTab();
  await run.signIn();
  for (let n = 2; n <= TABS; n++) {
    const tab = await run.newTab();
    try {
      await tab.page.goto(run.home, { timeout: 10_000 });
      await run.ready(tab, run.home);
    } catch (error) {
      throw new Verdict(failed(`tab ${n} could not open ${run.home} signed in (${firstLine(error)})`));
    }
    tab.armed = true;
  }
  await run.networkQuiet();
}

const tabNames = (tabs: Tab[], all: Tab[]) => tabs.map((t) => all.indexOf(t) + 1).join(', ');

async function tabsScenario(run: Run): Promise<Truth> {
  await signInThreeTabs(run);
  await run.waitForExpiry();
  const before = await run.stats();
  // Every tab schedules its click for the same wall-clock instant (one clock for the whole machine), far
  // enough ahead for the slowest tab to have scheduled it.
  const at = Date.now() + 1_500;
  const lead = await within(
    5_000,
    Promise.all(
      run.tabs.map((tab) =>
        tab.page.evaluate(`(() => {
          const wait = ${at} - Date.now();
          setTimeout(() => document.querySelector('#reload-data').click(), Math.max(0, wait));
          return wait;
        })()`),
      ),
    ),
    'schedule the clicks',
  );
  await sleep(at - Date.now() + 50);
  const deadline = Date.now() + OUTCOME_MS;
  const states = new Map<Tab, PanelState>();
  while (Date.now() < deadline) {
    for (const tab of run.tabs) {
      if (tab.lostSession) continue;
      const state = await tab.probe<PanelState>(PANELS_SOURCE);
      if (state) states.set(tab, state);
    }
    const settled = run.tabs.every((tab) => {
      const state = states.get(tab);
      return tab.lostSession || (state && state.reloads >= 1 && state.loaded + state.failed >= run.panels);
    });
    if (settled) break;
    await sleep(100);
  }
  await run.networkQuiet(500, 3_000);
  const after = await run.stats();
  const refreshes = after.refreshCalls - before.refreshCalls;
  const reuse = after.reuseDetected - before.reuseDetected;
  const lost = run.tabs.filter((tab) => tab.lostSession);
  const short = run.tabs.filter((tab) => !tab.lostSession && (states.get(tab)?.loaded ?? 0) < run.panels);
  const late = (lead as number[]).some((wait) => wait < 0) ? ' (a click left late)' : '';
  const problems = [
    ...(reuse > 0
      ? [
          `${refreshes} refresh calls for ${TABS} tabs: the server detected refresh-token reuse and revoked the session`,
        ]
      : []),
    ...(lost.length ? [`tab(s) ${tabNames(lost, run.tabs)} sent to the sign-in page`] : []),
    ...(short.length ? [`tab(s) ${tabNames(short, run.tabs)} did not load all ${run.panels} panels`] : []),
  ];
  if (problems.length) return failed(problems.join('; then ') + late);
  return passed(
    `all ${TABS} tabs loaded their panels after ${refreshes} refresh call(s), no reuse, never on the sign-in page${late}`,
  );
}

async function logoutEverywhere(run: Run): Promise<Truth> {
  await signInThreeTabs(run);
  const before = await run.stats();
  const [first, ...others] = run.tabs as [Tab, ...Tab[]];
  await run.act(() => first.page.click('#logout', { timeout: 5_000 }), 'click #logout', first);
  // Signing out must at least work where it was clicked.
  const signedOutBy = Date.now() + 5_000;
  while (Date.now() < signedOutBy && !(first.onLogin && (await run.stats()).logouts > before.logouts))
    await sleep(100);
  if (!first.onLogin) return failed('Sign out did not take its own tab to the sign-in page');
  // The other tabs get a moment to notice by themselves…
  const noticeBy = Date.now() + 2_000;
  while (Date.now() < noticeBy && !others.every((tab) => tab.onLogin)) await sleep(100);
  const leftByThemselves = others.filter((tab) => tab.onLogin);
  // …then a person uses each one still showing the app.
  const used = others.filter((tab) => !tab.onLogin);
  for (const tab of used) {
    await run.act(() => tab.page.click('#reload-data', { timeout: 5_000 }), 'click #reload-data', tab);
  }
  const deadline = Date.now() + 3_000;
  while (Date.now() < deadline) {
    const states = await Promise.all(
      used.map((tab) => (tab.onLogin ? undefined : tab.probe<PanelState>(PANELS_SOURCE))),
    );
    if (states.every((s) => !s || s.loaded + s.failed >= run.panels)) break;
    await sleep(100);
  }
  await run.networkQuiet(500, 3_000);
  const after = await run.stats();
  const calls = after.loggedOutCalls - before.loggedOutCalls;
  const served = after.loggedOutServed - before.loggedOutServed;
  const endedOnLogin = others.filter((tab) => tab.onLogin);
  const story = [
    leftByThemselves.length
      ? `tab(s) ${tabNames(leftByThemselves, run.tabs)} went to the sign-in page by themselves`
      : 'no other tab noticed the sign-out by itself',
    ...(used.length ? [`tab(s) ${tabNames(used, run.tabs)} used after the sign-out`] : []),
  ];
  if (calls > 0) {
    return failed(
      `${story.join('; ')}: ${calls} API call(s) made with the signed-out session's token, ${served} of them still served` +
        (endedOnLogin.length < others.length ? '' : ' (then sent to the sign-in page)'),
    );
  }
  return passed(`${story.join('; ')}; no API call made with the signed-out session`);
}

/** The truth for one app and scenario; undefined when the scenario means nothing for the app. */
async function runScenario(run: Run, scenario: JourneyScenario): Promise<Truth> {
  if (scenario === 'tabs') return tabsScenario(run);
  if (scenario === 'logout-everywhere') return logoutEverywhere(run);
  await run.newTab();
  if (scenario === 'concurrent-expiry') return concurrentExpiry(run);
  if (scenario === 'token-leak') return tokenLeak(run);
  const journey = journeyOf(run.app);
  if (!journey) throw new Error(`${run.app.name} has nothing to save: no truth for ${scenario}`);
  return saveScenario(run, journey, scenario);
}

/**
 * The truth for one journey or tab app and one scenario: its own fresh server (and third party), a fresh
 * context, the real event, observation; everything closed afterwards. Never hangs: every step is bounded.
 */
export async function journeyTruthFor(
  app: ZooApp,
  scenario: JourneyScenario,
  options: JourneyTruthOptions,
): Promise<Truth> {
  if (!journeyScenariosFor(app).includes(scenario))
    throw new Error(`${scenario} means nothing for ${app.name} (see journeyScenariosFor)`);
  const ttl = options.accessTtlMs ?? 1_500;
  // No expiry is part of a sign-out: a lifetime that outlasts the run keeps the verdict off the clock.
  const accessTtlMs = scenario === 'logout-everywhere' ? Math.max(ttl, LOGOUT_TTL_MS) : ttl;
  return truthRun(app, options.browser, accessTtlMs, (context, zoo, third) => {
    const run = new Run(context, zoo, third, app);
    return within(SCENARIO_BUDGET_MS, runScenario(run, scenario), scenario);
  });
}

/**
 * The truth for every app × scenario that means something for it (`journeyScenariosFor`, narrowed to
 * `scenarios` when given: a list, or the list for each app), `concurrency` runs at a time (each with its own
 * servers and context) in one browser.
 */
export async function computeJourneyTruthTable(
  apps: readonly ZooApp[],
  browser: Browser,
  options: {
    scenarios?: readonly JourneyScenario[] | ((app: ZooApp) => readonly JourneyScenario[]);
    concurrency?: number;
    accessTtlMs?: number;
    /** Called as each truth is known (with how long it took). */
    onTruth?: (app: ZooApp, scenario: JourneyScenario, truth: Truth, ms: number) => void;
  } = {},
): Promise<JourneyTruthTable> {
  const table: JourneyTruthTable = {};
  const wanted = (app: ZooApp): readonly JourneyScenario[] | undefined =>
    typeof options.scenarios === 'function' ? options.scenarios(app) : options.scenarios;
  const jobs = apps.flatMap((app) =>
    journeyScenariosFor(app)
      .filter((scenario) => wanted(app)?.includes(scenario) ?? true)
      .map((scenario) => ({ app, scenario })),
  );
  for (const app of apps) table[app.name] ??= {};
  // The three-tab runs first: they are the longest, and the rest fill in around them.
  jobs.sort((a, b) => weight(b.scenario) - weight(a.scenario));
  await fillTruthTable(table, jobs, browser, options, journeyTruthFor);
  return table;
}

const weight = (scenario: JourneyScenario) =>
  scenario === 'tabs' || scenario === 'logout-everywhere' ? 2 : scenario === 'refresh-rejected' ? 1 : 0;

/** The table as text: one row per app, one column per scenario computed; passed / FAILED / - (not applicable). */
export function formatJourneyTruthTable(table: JourneyTruthTable): string {
  const names = Object.keys(table);
  const scenarios = JOURNEY_SCENARIOS.filter((s) => names.some((name) => table[name]?.[s]));
  return formatTable(table, scenarios);
}

/** Every truth with its evidence, one a line. */
export function formatJourneyTruthEvidence(table: JourneyTruthTable): string {
  return Object.entries(table)
    .flatMap(([name, row]) =>
      JOURNEY_SCENARIOS.flatMap((scenario) => {
        const truth = row[scenario];
        return truth ? [`${name} · ${scenario}: ${truth.verdict} — ${truth.evidence}`] : [];
      }),
    )
    .join('\n');
}
