import type { Page } from '@playwright/test';
import type { Chaos } from '../chaos/helpers.js';
import type { TrafficLog } from '../traffic/record-traffic.js';
import type { CheckConfig } from './config.js';
import { signIn, typeDraft } from './steps.js';

export const SCENARIO_NAMES = [
  'mid-flight-expiry',
  'concurrent-expiry',
  'refresh-rejected',
  'refresh-unavailable',
  'still-unauthorized',
  'idle-return',
  'token-leak',
] as const;

export type ScenarioName = (typeof SCENARIO_NAMES)[number];

/** What a scenario works with: its own fresh browser context, page, chaos and traffic recording. */
export interface ScenarioContext {
  readonly page: Page;
  readonly config: CheckConfig;
  readonly chaos: Chaos;
  readonly traffic: TrafficLog;
  /** What this run types into the form. */
  readonly text: string;
  /** Puts a labelled marker on the report's timeline at this moment. */
  mark(label: string): void;
  /** Takes the "before" or "after" screenshot for the report. */
  snapshot(which: 'before' | 'after'): Promise<void>;
}

export interface Verdict {
  status: 'passed' | 'failed' | 'skipped';
  /** One sentence a person can act on. */
  reason: string;
  /** Counts the verdict rests on (refresh calls, sends, …). */
  metrics?: Record<string, number>;
}

export interface Scenario {
  name: ScenarioName;
  /** What it does to the app, for the report. */
  summary: string;
  /** Why it cannot run with this config, if it cannot. */
  unavailable?(config: CheckConfig): string | undefined;
  /** Install a fake clock in the context before anything loads. */
  fakeClock?: boolean;
  run(context: ScenarioContext): Promise<Verdict>;
}

export const passed = (reason: string, metrics?: Record<string, number>): Verdict => ({
  status: 'passed',
  reason,
  ...(metrics && { metrics }),
});
export const failed = (reason: string, metrics?: Record<string, number>): Verdict => ({
  status: 'failed',
  reason,
  ...(metrics && { metrics }),
});

/** Every input scenario starts the same way: signed in, the draft typed, the "before" picture taken. */
export async function startEditing(ctx: ScenarioContext) {
  await signIn(ctx.page, ctx.config);
  await typeDraft(ctx.page, ctx.config, ctx.text);
  await ctx.snapshot('before');
}
