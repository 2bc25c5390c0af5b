import type { TrafficEntry } from '../../traffic/record-traffic.js';
import { urlMatches } from '../../url-pattern.js';
import { InconclusiveError } from '../errors.js';
import type { ScenarioContext } from '../scenario.js';
import type { SaveRequest } from '../steps/save-request.js';

/** Only what happened once the fault was in force counts: sign-in and page-load traffic before it proves nothing. */
export function afterArming(ctx: ScenarioContext): TrafficEntry[] {
  const from = ctx.fault.armedAt ?? Number.POSITIVE_INFINITY;
  return ctx.traffic.entries.filter((e) => e.start >= from);
}

const isRefresh = (ctx: ScenarioContext, e: TrafficEntry) => urlMatches(ctx.config.refresh, e.url);

/** API requests answered the way this server answers an expired credential (by calibration), after arming. */
export function rejectedAfterArming(ctx: ScenarioContext): TrafficEntry[] {
  const { rejects } = ctx;
  return afterArming(ctx).filter(
    (e) =>
      urlMatches(ctx.config.api, e.url) &&
      !isRefresh(ctx, e) &&
      e.status !== undefined &&
      rejects.includes(e.status),
  );
}

export const refreshesAfterArming = (ctx: ScenarioContext) =>
  afterArming(ctx).filter((e) => isRefresh(ctx, e) && e.method !== 'OPTIONS');

export const sentAfterArming = (ctx: ScenarioContext, save: SaveRequest) =>
  afterArming(ctx).filter((e) => save.matches(e.method, e.url));

/** A request as the report shows it: never its credential, only what was done to it. */
export function describeEntry(entry: TrafficEntry): string {
  const url = new URL(entry.url);
  const outcome = entry.status ?? entry.failure ?? 'no answer';
  const tampered = entry.tampered ? ` (credential ${entry.tampered})` : '';
  return `${entry.method} ${url.pathname} → ${outcome}${tampered}`;
}

/** The evidence lines for a verdict: the rejected requests and the refresh calls after arming. */
export function evidenceOf(ctx: ScenarioContext): string[] {
  const relevant = afterArming(ctx).filter(
    (e) =>
      e.method !== 'OPTIONS' &&
      (isRefresh(ctx, e) || (e.status !== undefined && ctx.rejects.includes(e.status)) || e.tampered),
  );
  const lines = relevant.slice(0, 12).map(describeEntry);
  if (relevant.length > 12) lines.push(`… and ${relevant.length - 12} more`);
  return lines;
}

/**
 * Stale and strip modes must see the fault bite: an API request rejected after arming. Natural expiry is
 * the real event, so a client that renews before its token runs out is judged on its outcome alone.
 */
export function requireBite(ctx: ScenarioContext, options: { renewalCounts?: boolean } = {}): void {
  if (ctx.mode === 'natural') return;
  if (rejectedAfterArming(ctx).length) return;
  // A tab coming back after an hour may renew before it sends anything: a refresh that succeeded after the
  // credential expired shows the app handled the expiry, without a single rejection.
  if (
    options.renewalCounts &&
    refreshesAfterArming(ctx).some((e) => e.status !== undefined && e.status >= 200 && e.status < 300)
  )
    return;
  const touched = afterArming(ctx).filter((e) => e.tampered).length;
  throw new InconclusiveError(
    touched
      ? `the fault never bit: ${touched} request(s) left with ${ctx.fault.description.split(' ').slice(0, 3).join(' ')} changed, but none was answered ${ctx.rejects.join('/')}`
      : `the fault never bit: no API request presented the expired credential after it was armed (${ctx.fault.description})`,
  );
}

/** The app must have sent `pattern` after arming, or the scenario saw nothing to judge. */
export function requireSent(ctx: ScenarioContext, save: SaveRequest, what: string): TrafficEntry[] {
  const sent = sentAfterArming(ctx, save);
  if (!sent.length)
    throw new InconclusiveError(
      `the app never sent ${what} (${save.text}) after the credential expired${save.method ? '' : ` (a save that is a GET counts only when saveRequest names it: 'GET ${String(save.url)}')`}`,
    );
  return sent;
}
