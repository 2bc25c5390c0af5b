import type { BrowserContext, Page } from '@playwright/test';
import type { Chaos } from '../chaos/helpers.js';
import type { TrafficLog } from '../traffic/record-traffic.js';
import type { CheckConfig } from './config/types.js';
import type { Discovery } from './discover/discover.js';
import type { CredentialFault, ExpiryMode } from './fault/expire-credential.js';
import { type Entry, enter, type Journey, openJourney, type SaveLog, watchSaves } from './steps/journey.js';
import { type OutcomeWatch, watchOutcome } from './steps/outcome.js';

export const SCENARIO_NAMES = [
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

export type ScenarioName = (typeof SCENARIO_NAMES)[number];

/**
 * - `passed` / `failed`: judged on evidence gathered after the fault was armed;
 * - `inconclusive`: the fault never bit (nothing was rejected, or the app never made the call needed);
 * - `error`: the audit could not run (the reason names the config field, selector or URL);
 * - `skipped`: not configured. Only `passed` is a pass.
 */
export type ScenarioStatus = 'passed' | 'failed' | 'inconclusive' | 'error' | 'skipped';

/** What a scenario works with: its own fresh browser context, page, chaos and traffic recording. */
export interface ScenarioContext {
  readonly page: Page;
  readonly context: BrowserContext;
  readonly config: CheckConfig;
  readonly chaos: Chaos;
  readonly traffic: TrafficLog;
  /** What the audit learnt before the scenarios: the credential and how the server rejects it. */
  readonly discovery: Discovery;
  /** Expires the discovered credential (present whenever the scenario needs it). */
  readonly fault: CredentialFault;
  /** How this scenario expires it: `idle-return` waits out a short real lifetime when there is one. */
  readonly mode: ExpiryMode;
  /** Statuses that mean "credential no longer accepted" on this server, by calibration. */
  readonly rejects: readonly number[];
  /** The journey a save scenario runs for (one run per journey). */
  readonly journey: Journey | undefined;
  /** What this run types into a text input (unique per run). */
  readonly text: string;
  /** Signs in (one scenario at a time; backs off when the server rate-limits). */
  signIn(): Promise<void>;
  /** Puts a labelled marker on the report's timeline at this moment. */
  mark(label: string): void;
  /** Takes the "before" or "after" screenshot for the report. */
  snapshot(which: 'before' | 'after'): Promise<void>;
}

export interface Verdict {
  status: ScenarioStatus;
  /** One sentence a person can act on. */
  reason: string;
  /** Counts the verdict rests on (refresh calls, sends, …). */
  metrics?: Record<string, number> | undefined;
  /** The requests the verdict rests on, e.g. `POST /api/notes → 401 (stale credential)`. */
  evidence?: string[] | undefined;
}

export interface Scenario {
  name: ScenarioName;
  /** What it does to the app, for the report. */
  summary: string;
  /** Whether it expires the credential (and so needs one found and calibrated). */
  expires: boolean;
  /** Runs once for each journey (`form` and `journeys`); skipped when there is none, unless `unavailable` says otherwise. */
  perJourney?: boolean;
  /** Why it cannot run with this config, if it cannot (it is then `skipped`). */
  unavailable?(config: CheckConfig): string | undefined;
  /** Install a fake clock in the context before anything loads. */
  fakeClock?: boolean;
  /**
   * It ends the session it runs in (signs out, which revokes the refresh family): it signs in on its own,
   * never from the saved state the other scenarios share, which it would end for all of them.
   */
  endsSession?: boolean;
  run(context: ScenarioContext): Promise<Verdict>;
}

const verdict =
  (status: ScenarioStatus) =>
  (reason: string, metrics?: Record<string, number>, evidence?: string[]): Verdict => ({
    status,
    reason,
    ...(metrics && { metrics }),
    ...(evidence && { evidence }),
  });
export const passed = verdict('passed');
export const failed = verdict('failed');
export const inconclusive = verdict('inconclusive');

export const needsJourney = (config: CheckConfig) =>
  config.form || config.journeys?.length ? undefined : 'no `form` or `journeys` in the config';

/** A journey under way: signed in, at the input, watching its saves and how they end. */
export interface Editing {
  readonly journey: Journey;
  /** What was changed (known once the change is made: before the save, or as the save for an input that saves on change). */
  entry: Entry | undefined;
  readonly saves: SaveLog;
  readonly outcome: OutcomeWatch;
  /** Saves as a person would: clicks the save control, or makes the change when the input saves on change. */
  save(): Promise<void>;
}

/** Every save scenario starts the same way: signed in, at the input, the change made if a click saves it, the "before" picture taken. */
export async function startEditing(ctx: ScenarioContext): Promise<Editing> {
  const journey = ctx.journey;
  if (!journey) throw new Error('a save scenario ran without a journey');
  await ctx.signIn();
  await openJourney(ctx.page, ctx.config, journey);
  const saves = watchSaves(ctx.page, journey);
  const editing: Editing = {
    journey,
    entry: journey.save ? await enter(ctx.page, journey, ctx.text) : undefined,
    saves,
    outcome: await watchOutcome(ctx.page, ctx.config, journey, saves, () =>
      editing.entry?.kind === 'text' || editing.entry?.kind === 'contenteditable'
        ? editing.entry.value
        : undefined,
    ),
    async save() {
      if (journey.save) await ctx.page.click(journey.save);
      else editing.entry = await enter(ctx.page, journey, ctx.text);
    },
  };
  await ctx.snapshot('before');
  return editing;
}
