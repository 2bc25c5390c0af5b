import { type Browser, chromium } from '@playwright/test';
import { chromiumLaunchOptions } from '../browser.js';
import { createChaos } from '../chaos/helpers.js';
import { recordTraffic, type TrafficEntry } from '../traffic/record-traffic.js';
import type { CheckConfig } from './config.js';
import { failed, type ScenarioName, type Verdict } from './scenario.js';
import { SCENARIOS } from './scenarios/index.js';
import { draftText, networkQuiet } from './steps.js';

/** A timeline marker: something the audit did, at a moment. */
export interface Mark {
  at: number;
  label: string;
}

export interface ScenarioResult {
  name: ScenarioName;
  summary: string;
  status: Verdict['status'];
  passed: boolean;
  /** The verdict's reason. */
  details: string;
  metrics: Record<string, number>;
  durationMs: number;
  timeline: { entries: TrafficEntry[]; marks: Mark[] };
  screenshots: { before?: Buffer | undefined; after?: Buffer | undefined };
}

export interface CheckResult {
  /** True when no scenario failed (skipped ones do not count against it). */
  passed: boolean;
  scenarios: ScenarioResult[];
}

export interface CheckOptions {
  /** Run only these scenarios. Default: all. */
  scenarios?: readonly ScenarioName[] | undefined;
  /** Scenarios run at the same time, each in its own browser context. Default 3. */
  concurrency?: number | undefined;
  /** Called as each scenario finishes, for progress output. */
  onResult?: ((result: ScenarioResult) => void) | undefined;
  /** A browser to reuse; by default one is launched and closed. */
  browser?: Browser | undefined;
  headed?: boolean | undefined;
}

const SCENARIO_TIMEOUT_MS = 60_000;

/** Runs the expiry experiments against an app in Chromium and judges each one. */
export async function runCheck(config: CheckConfig, options: CheckOptions = {}): Promise<CheckResult> {
  const wanted = options.scenarios ? SCENARIOS.filter((s) => options.scenarios!.includes(s.name)) : SCENARIOS;
  const browser =
    options.browser ?? (await chromium.launch({ ...chromiumLaunchOptions(), headless: !options.headed }));
  const results: ScenarioResult[] = new Array(wanted.length);
  let next = 0;
  try {
    const worker = async () => {
      while (next < wanted.length) {
        const index = next++;
        const result = await runScenario(browser, config, wanted[index]!);
        results[index] = result;
        options.onResult?.(result);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 3) }, worker));
  } finally {
    if (!options.browser) await browser.close();
  }
  return { passed: results.every((r) => r.status !== 'failed'), scenarios: results };
}

async function runScenario(
  browser: Browser,
  config: CheckConfig,
  scenario: (typeof SCENARIOS)[number],
): Promise<ScenarioResult> {
  const began = Date.now();
  const base = { name: scenario.name, summary: scenario.summary };
  const unavailable = scenario.unavailable?.(config);
  if (unavailable) {
    return {
      ...base,
      status: 'skipped',
      passed: true,
      details: `skipped: ${unavailable}`,
      metrics: {},
      durationMs: 0,
      timeline: { entries: [], marks: [] },
      screenshots: {},
    };
  }
  const context = await browser.newContext({
    baseURL: config.baseURL,
    viewport: { width: 1100, height: 720 },
  });
  if (scenario.fakeClock) await context.clock.install();
  const page = await context.newPage();
  const traffic = recordTraffic(page, { refresh: config.refresh });
  const chaos = createChaos(page);
  const marks: Mark[] = [];
  const screenshots: ScenarioResult['screenshots'] = {};
  const snapshot = async (which: 'before' | 'after') => {
    // A page the app just navigated to may still be blank: let it load and settle first.
    await page.waitForLoadState('load', { timeout: 3_000 }).catch(() => {});
    await networkQuiet(page, 200, 2_000);
    screenshots[which] = await page.screenshot().catch(() => undefined);
  };
  let verdict: Verdict;
  try {
    verdict = await Promise.race([
      scenario.run({
        page,
        config,
        chaos,
        traffic,
        text: draftText(config),
        mark: (label) => marks.push({ at: Date.now() - traffic.startedAt, label }),
        snapshot,
      }),
      new Promise<Verdict>((resolve) =>
        setTimeout(
          () => resolve(failed(`did not finish within ${SCENARIO_TIMEOUT_MS / 1000} s`)),
          SCENARIO_TIMEOUT_MS,
        ).unref(),
      ),
    ]);
  } catch (error) {
    verdict = failed(`could not run: ${(error as Error).message.split('\n')[0]}`);
  }
  if (!screenshots.after) await snapshot('after');
  await traffic.settled(1_000);
  traffic.stop();
  await chaos.undoAll();
  await page.unrouteAll({ behavior: 'ignoreErrors' }).catch(() => {});
  await context.close().catch(() => {});
  return {
    ...base,
    status: verdict.status,
    passed: verdict.status !== 'failed',
    details: verdict.reason,
    metrics: verdict.metrics ?? {},
    durationMs: Date.now() - began,
    timeline: { entries: [...traffic.entries], marks },
    screenshots,
  };
}
