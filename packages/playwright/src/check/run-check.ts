import { type Browser, type BrowserServer, chromium } from '@playwright/test';
import { chromiumLaunchOptions } from '../browser.js';
import { createChaos } from '../chaos/helpers.js';
import { recordTraffic, type TrafficEntry } from '../traffic/record-traffic.js';
import { urlMatches } from '../url-pattern.js';
import type { CheckConfig } from './config/types.js';
import { type Discovery, discover } from './discover/discover.js';
import { InconclusiveError, SetupError } from './errors.js';
import { createCredentialFault } from './fault/expire-credential.js';
import { evidenceOf } from './judge/evidence.js';
import { exitCode } from './report/exit-code.js';
import type { Scenario, ScenarioName, ScenarioStatus, Verdict } from './scenario.js';
import { SCENARIOS } from './scenarios/index.js';
import { type Journey, journeysOf } from './steps/journey.js';
import { draftText, loginPattern, networkQuiet, responsive } from './steps/page-steps.js';
import { createSignInGate, type SignInGate } from './steps/sign-in-gate.js';
import { probeReuse, type Reuse } from './steps/signed-in-state.js';

/** A timeline marker: something the audit did, at a moment. */
export interface Mark {
  at: number;
  label: string;
}

export interface ScenarioResult {
  name: ScenarioName;
  /** The journey a save scenario ran for (absent for `form`, and for scenarios that need none). */
  journey?: string | undefined;
  summary: string;
  status: ScenarioStatus;
  /** True only for `passed`. */
  passed: boolean;
  /** The verdict's reason. */
  details: string;
  metrics: Record<string, number>;
  /** The requests the verdict rests on (after the fault was armed), never with their credential. */
  evidence: string[];
  durationMs: number;
  timeline: {
    entries: TrafficEntry[];
    marks: Mark[];
    /** Main-frame navigations (a trip to the login page is one), ms since recording started. */
    navigations: { at: number; url: string }[];
    armedAt: number | undefined;
  };
  screenshots: { before?: Buffer | undefined; after?: Buffer | undefined };
}

export interface CheckResult {
  /** True when every scenario that ran passed (exit code 0). */
  passed: boolean;
  /** 0 every scenario that ran passed; 1 one failed; 2 the audit could not run anything; 3 nothing failed, something was inconclusive or errored. */
  exitCode: 0 | 1 | 2 | 3;
  /** What the audit found before the scenarios: the credential, the calibration, notes. */
  discovery: Discovery | undefined;
  /** Why nothing could run, when nothing could (a setup mistake found before the scenarios). */
  setupError: string | undefined;
  /** How the scenarios signed in. */
  signIn: string;
  scenarios: ScenarioResult[];
  durationMs: number;
}

export interface CheckOptions {
  /** Run only these scenarios. Default: all. */
  scenarios?: readonly ScenarioName[] | undefined;
  /** Scenarios run at the same time, each in its own browser context. Default 3. */
  concurrency?: number | undefined;
  /** Called once the app has been signed in to and the credential found and calibrated. */
  onDiscovery?: ((discovery: Discovery) => void) | undefined;
  /** Called as each scenario finishes, for progress output. */
  onResult?: ((result: ScenarioResult) => void) | undefined;
  /** A browser to reuse; by default one is launched and closed (and killed if a frozen page will not let it close). */
  browser?: Browser | undefined;
  headed?: boolean | undefined;
}

const DEFAULT_SCENARIO_TIMEOUT_S = 60;
const DISCOVERY_TIMEOUT_MS = 60_000;
const CLEANUP_MS = 5_000;

/** Settles with `promise`, or with `fallback` once `ms` have passed, whichever is first. */
function bounded<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.catch(() => fallback),
    new Promise<T>((resolve) => {
      timer = setTimeout(() => resolve(fallback), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Runs the expiry experiments against an app in Chromium and judges each one. */
export async function runCheck(config: CheckConfig, options: CheckOptions = {}): Promise<CheckResult> {
  const began = Date.now();
  const chosen = options.scenarios ? SCENARIOS.filter((s) => options.scenarios!.includes(s.name)) : SCENARIOS;
  // One run per journey for the save scenarios.
  const journeys = journeysOf(config);
  const wanted: Job[] = chosen.flatMap((scenario): Job[] =>
    scenario.perJourney && journeys.length
      ? journeys.map((journey) => ({ scenario, journey }))
      : [{ scenario, journey: undefined }],
  );
  let server: BrowserServer | undefined;
  let browser = options.browser;
  if (!browser) {
    // A server we can kill: a renderer stuck in a loop can keep a plain browser from closing.
    server = await chromium.launchServer({ ...chromiumLaunchOptions(), headless: !options.headed });
    browser = await chromium.connect(server.wsEndpoint());
  }
  const gate = createSignInGate();
  const results: ScenarioResult[] = new Array(wanted.length);
  let discovery: Discovery | undefined;
  let setupError: string | undefined;
  let stuck = false;
  let reuse: Reuse = { reusable: false, reason: 'one sign-in per scenario, one at a time' };
  try {
    const needsDiscovery = wanted.some((job) => !job.scenario.unavailable?.(config));
    if (needsDiscovery) {
      try {
        discovery = await withDeadline(
          discover(browser, config, gate, Date.now() + DISCOVERY_TIMEOUT_MS),
          DISCOVERY_TIMEOUT_MS,
          `signing in and finding the credential took over ${DISCOVERY_TIMEOUT_MS / 1000} s`,
        );
        options.onDiscovery?.(discovery);
      } catch (error) {
        setupError = (error as Error).message.split('\n')[0];
      }
    }
    if (discovery?.signedIn && discovery.credential && !discovery.problem) {
      const { landing, state } = discovery.signedIn;
      reuse = await bounded(probeReuse(browser, config, state, landing, discovery.credential), 30_000, {
        reusable: false,
        reason: 'trying the saved signed-in state took over 30 s',
      });
      if (!reuse.reusable)
        reuse = {
          ...reuse,
          reason: `one sign-in per scenario, one at a time: ${reuse.reason}`,
        };
    }
    let next = 0;
    // A select or a checkbox has no unique value to type: two scenarios changing it at once on one account
    // would see each other's saves. Their runs take turns; text inputs carry a unique value and need not.
    const turns = new Map<string, Promise<unknown>>();
    const inTurn = <T>(job: Job, run: () => Promise<T>): Promise<T> => {
      const kind = job.journey && discovery?.inputKinds[job.journey.field];
      // An input whose kind is unknown takes turns too: running apart is only slower, together may be wrong.
      if (!job.journey || kind === 'text' || kind === 'contenteditable') return run();
      const mine = (turns.get(job.journey.field) ?? Promise.resolve()).then(run);
      turns.set(
        job.journey.field,
        mine.catch(() => {}),
      );
      return mine;
    };
    const worker = async () => {
      while (next < wanted.length) {
        const index = next++;
        const job = wanted[index]!;
        const result = setupError
          ? unrun(job, job.scenario.unavailable?.(config) ? 'skipped' : 'error', setupError)
          : await inTurn(job, () =>
              runScenario(
                browser!,
                config,
                job,
                discovery!,
                reuse.reusable && !job.scenario.endsSession ? discovery!.signedIn : undefined,
                gate,
                () => {
                  stuck = true;
                },
              ),
            );
        results[index] = result;
        options.onResult?.(result);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 3) }, worker));
  } finally {
    if (server) {
      const closed = await bounded(
        browser.close().then(() => true),
        stuck ? 2_000 : 15_000,
        false,
      );
      if (!closed) await server.kill().catch(() => {});
      else await bounded(server.close(), 5_000, undefined);
    }
  }
  const partial = { scenarios: results, setupError };
  const code = exitCode(partial);
  return {
    passed: code === 0,
    exitCode: code,
    // The saved signed-in state holds the session's tokens: it never leaves the audit.
    discovery: discovery && { ...discovery, signedIn: undefined },
    setupError,
    signIn: reuse.reason,
    scenarios: results,
    durationMs: Date.now() - began,
  };
}

function withDeadline<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new SetupError(message)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** One scenario to run, for one journey when it runs per journey. */
interface Job {
  scenario: Scenario;
  journey: Journey | undefined;
}

const journeyName = (journey: Journey | undefined) =>
  journey && !journey.fromForm ? journey.name : undefined;

function unrun(job: Job, status: 'skipped' | 'error' | 'inconclusive', reason: string): ScenarioResult {
  const { scenario } = job;
  return {
    name: scenario.name,
    journey: journeyName(job.journey),
    summary: scenario.summary,
    status,
    passed: false,
    details: status === 'skipped' ? `skipped: ${reason}` : reason,
    metrics: {},
    evidence: [],
    durationMs: 0,
    timeline: { entries: [], marks: [], navigations: [], armedAt: undefined },
    screenshots: {},
  };
}

async function runScenario(
  browser: Browser,
  config: CheckConfig,
  job: Job,
  discovery: Discovery,
  saved: Discovery['signedIn'],
  gate: SignInGate,
  onStuck: () => void,
): Promise<ScenarioResult> {
  const { scenario, journey } = job;
  const began = Date.now();
  const unavailable = scenario.unavailable?.(config);
  if (unavailable) return unrun(job, 'skipped', unavailable);
  if (scenario.expires && (discovery.problem || !discovery.credential))
    return unrun(job, 'inconclusive', discovery.problem ?? 'no credential to expire');
  const timeoutMs = (config.scenarioTimeout ?? DEFAULT_SCENARIO_TIMEOUT_S) * 1000;
  const deadline = began + timeoutMs;
  const context = await browser.newContext({
    baseURL: config.baseURL,
    viewport: { width: 1100, height: 720 },
    // Signed in once: every scenario's browser starts with the saved cookies and local storage.
    ...(saved ? { storageState: saved.state } : {}),
  });
  // No step may wait longer than this on its own: a frozen page must not hold a scenario past its deadline.
  context.setDefaultTimeout(10_000);
  if (scenario.fakeClock) await context.clock.install();
  const page = await context.newPage();
  const traffic = recordTraffic(page, { refresh: config.refresh });
  const chaos = createChaos(page);
  const natural = scenario.name === 'idle-return' && discovery.natural !== undefined;
  const mode = natural ? 'natural' : discovery.mode;
  const fault = createCredentialFault({
    context,
    credential: discovery.credential ?? { kind: 'header', name: 'authorization' },
    mode,
    api: config.api,
    refresh: config.refresh,
    traffic,
    lifetimeMs: discovery.lifetimeMs,
  });
  const marks: Mark[] = [];
  const screenshots: ScenarioResult['screenshots'] = {};
  const snapshot = async (which: 'before' | 'after') => {
    // A page the app just navigated to may still be blank: let it load and settle first.
    await page.waitForLoadState('load', { timeout: 3_000 }).catch(() => {});
    await networkQuiet(page, 200, 2_000);
    screenshots[which] = await page.screenshot({ timeout: 3_000 }).catch(() => undefined);
  };
  const ctx = {
    page,
    context,
    config,
    chaos,
    traffic,
    discovery,
    fault,
    mode,
    rejects: natural ? discovery.natural!.rejects : discovery.rejects,
    journey,
    text: draftText(journey?.text),
    // From the saved state, "signing in" is opening the page sign-in lands on; if that fails, a real sign-in.
    signIn: async () => {
      if (saved) {
        await page.goto(saved.landing).catch(() => {});
        // An app may check its session after load and only then leave for the login page.
        await page.waitForLoadState('load', { timeout: 5_000 }).catch(() => {});
        await networkQuiet(page, 500, 5_000);
        if (!urlMatches(loginPattern(config), page.url())) return;
      }
      await gate.signIn(page, config, deadline);
      // Reaching the landing URL is not the end of signing in: the page still boots (an app holding its
      // token in memory renews it from the refresh cookie right then). Navigating away now would abort that
      // refresh after the server rotated the cookie, and the next page would present the spent one.
      await page.waitForLoadState('load', { timeout: 5_000 }).catch(() => {});
      await networkQuiet(page, 500, 5_000);
    },
    mark: (label: string) => marks.push({ at: Date.now() - traffic.startedAt, label }),
    snapshot,
  } as const;

  let timer: NodeJS.Timeout | undefined;
  let verdict: Verdict;
  try {
    verdict = await Promise.race([
      scenario.run(ctx),
      new Promise<Verdict>((resolve) => {
        // Leave time for cleanup inside the deadline.
        timer = setTimeout(
          () => resolve({ status: 'error', reason: `did not finish within ${timeoutMs / 1000} s` }),
          Math.max(1_000, timeoutMs - 2 * CLEANUP_MS),
        );
      }),
    ]);
  } catch (error) {
    verdict = fromError(error);
  } finally {
    clearTimeout(timer);
  }
  // A busy machine can keep a page from answering for a while; a frozen one never answers: ask twice.
  const alive = (await responsive(page, 3_000)) || (await responsive(page, 3_000));
  if (!alive) {
    verdict = {
      status: 'error',
      reason: `the page stopped responding (its renderer is frozen) during the scenario; ${verdict.reason}`,
    };
  } else if (!screenshots.after) await bounded(snapshot('after'), CLEANUP_MS, undefined);
  await bounded(traffic.settled(1_000), 1_500, undefined);
  traffic.stop();
  const evidence = verdict.evidence ?? evidenceOf(ctx);
  await bounded(
    Promise.all([fault.undo(), chaos.undoAll()]).then(() => undefined),
    alive ? CLEANUP_MS : 500,
    undefined,
  );
  // Closing the context ends its pages; route handlers still pending must not hold it open.
  const closed = await bounded(
    context.close().then(() => true),
    CLEANUP_MS,
    false,
  );
  if (!closed) onStuck();
  return {
    name: scenario.name,
    journey: journeyName(journey),
    summary: scenario.summary,
    status: verdict.status,
    passed: verdict.status === 'passed',
    details: verdict.reason,
    metrics: verdict.metrics ?? {},
    evidence,
    durationMs: Date.now() - began,
    timeline: {
      entries: [...traffic.entries],
      marks,
      navigations: [...traffic.visits],
      armedAt: fault.armedAt,
    },
    screenshots,
  };
}

function fromError(error: unknown): Verdict {
  const message = (error as Error).message?.split('\n')[0] ?? String(error);
  if (error instanceof InconclusiveError) return { status: 'inconclusive', reason: message };
  if (error instanceof SetupError) return { status: 'error', reason: message };
  return { status: 'error', reason: `could not run: ${message}` };
}
