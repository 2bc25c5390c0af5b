import type { BrowserContext, Page, Route } from '@playwright/test';
import type { UrlPattern } from '../url-pattern.js';

/** Chaos can be armed on one page or on a whole browser context. */
export type ChaosTarget = Page | BrowserContext;

/** What every chaos helper returns: how often it fired, and how to disarm it. */
export interface ChaosHandle {
  /** Requests this rule has acted on so far. */
  readonly hits: number;
  /** Disarms the rule; requests in flight finish as they were handled. */
  undo(): Promise<void>;
}

export interface TimesOption {
  /** Act on this many matching requests, then pass the rest through untouched. Default: all. */
  times?: number | undefined;
}

type RoutePattern = string | RegExp | ((url: URL) => boolean);

/**
 * Arms a route on the target that acts on matching requests (`act` returns false to let one pass
 * untouched, which does not count against `times`), and returns its handle.
 */
export async function arm(
  target: ChaosTarget,
  pattern: UrlPattern,
  { times }: TimesOption,
  act: (route: Route) => Promise<boolean>,
): Promise<ChaosHandle> {
  if (times !== undefined && !(Number.isInteger(times) && times > 0)) {
    throw new TypeError(`times must be a positive whole number (got ${times})`);
  }
  let hits = 0;
  const handler = async (route: Route) => {
    if (times !== undefined && hits >= times) return route.fallback();
    // Counted before the (async) action so concurrent requests cannot overshoot `times`.
    hits++;
    if (!(await act(route))) {
      hits--;
      await route.fallback();
    }
  };
  await target.route(pattern as RoutePattern, handler);
  return {
    get hits() {
      return hits;
    },
    undo: () => target.unroute(pattern as RoutePattern, handler),
  };
}
