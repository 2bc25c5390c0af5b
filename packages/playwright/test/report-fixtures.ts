/** Hand-built results for the reporters' tests: what a check run hands its reports, with only what matters set. */
import type { Navigation } from '../src/check/report/timeline-svg.js';
import type { CheckResult, ScenarioResult } from '../src/check/run-check.js';

/** A scenario as the reports receive it: with its journey's name, and its navigations when recorded. */
export type Reported = ScenarioResult & {
  journey?: string | undefined;
  timeline: ScenarioResult['timeline'] & { navigations?: Navigation[] | undefined };
};

export type ScenarioOverrides = Partial<Reported> & Pick<Reported, 'name' | 'status' | 'details'>;

/** A scenario result: `passed` from the status, nothing recorded, then `overrides`. */
export function scenarioResult(overrides: ScenarioOverrides): Reported {
  return {
    summary: 'what the scenario does',
    passed: overrides.status === 'passed',
    metrics: {},
    evidence: [],
    durationMs: 1000,
    timeline: { entries: [], marks: [], navigations: [], armedAt: undefined },
    screenshots: {},
    ...overrides,
  };
}

/** A failed check result (exit 1) of `scenarios`, then `overrides`. */
export function checkResult(scenarios: Reported[], overrides: Partial<CheckResult> = {}): CheckResult {
  return {
    passed: false,
    exitCode: 1,
    discovery: undefined,
    setupError: undefined,
    signIn: 'one at a time',
    durationMs: 5000,
    scenarios,
    ...overrides,
  };
}
