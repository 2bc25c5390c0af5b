import type { ScenarioResult } from '../run-check.js';

/** A scenario result, with the user journey a save scenario ran for when it ran for one. */
export type ReportedScenario = ScenarioResult & { journey?: string | undefined };

/** What to do about a failure, and where it is explained. */
export interface Advice {
  text: string;
  link?: string;
}

/** The one place the project's address is written: every advice link hangs off it. */
export const REPO_URL = 'https://github.com/expiryproof/expiryproof';
const CORE_README = `${REPO_URL}/tree/main/packages/core`;
/** Anchors of headings that exist in packages/core/README.md and the root README. */
const LINKS = {
  readme: `${REPO_URL}#readme`,
  behaviour: `${CORE_README}#what-happens-when`,
  options: `${CORE_README}#options`,
  session: `${CORE_README}#the-session`,
} as const;

/** How a scenario is named wherever it is shown: `mid-flight-expiry › new task` when it ran for a journey. */
export function scenarioTitle(result: ReportedScenario): string {
  return result.journey ? `${result.name} › ${result.journey}` : result.name;
}

interface Rule {
  when(result: ReportedScenario): boolean;
  advice: Advice;
}

const says = (pattern: RegExp) => (result: ReportedScenario) => pattern.test(result.details);
const is = (name: ScenarioResult['name'], also: (result: ReportedScenario) => boolean = () => true) => {
  return (result: ReportedScenario) => result.name === name && also(result);
};

/** Refresh calls the verdict counted: the metric when there is one, else the number the reason starts with. */
function refreshCalls(result: ReportedScenario): number | undefined {
  const counted = result.metrics.refreshCalls;
  if (counted !== undefined) return counted;
  const stated = /(\d+) refresh calls/.exec(result.details)?.[1];
  if (stated) return Number(stated);
  return /no refresh attempted/.test(result.details) ? 0 : undefined;
}

const RECOVER_401: Advice = {
  text: 'recover the 401 instead of redirecting: replay the request after a refresh; keep input in a draft',
  link: LINKS.behaviour,
};

/**
 * First match wins, so the order matters: the scenario-specific cause (a leak, a loop, several refreshes,
 * a 503) comes before what the reason shares with other scenarios (the trip to the login page).
 */
const RULES: readonly Rule[] = [
  {
    when: is('token-leak'),
    advice: {
      text: "send the token only to your API's origins (`origins` in @expiryproof/core)",
      link: LINKS.options,
    },
  },
  {
    when: (r) => r.name === 'still-unauthorized' || /retry loop/.test(r.details),
    advice: {
      text: 'replay at most once: a request rejected again after the refresh goes back to the caller and ends the session, never another refresh',
      link: LINKS.behaviour,
    },
  },
  {
    when: is('tabs'),
    advice: {
      text: 'let the tabs act as one session: one tab refreshes, the others adopt its tokens and replay their calls (`crossTab` in @expiryproof/core)',
      link: LINKS.options,
    },
  },
  {
    when: is('logout-everywhere'),
    advice: {
      text: 'sign out every tab at once: broadcast the logout to the other tabs (`session.clear()` in @expiryproof/core does)',
      link: LINKS.session,
    },
  },
  {
    when: is('concurrent-expiry', (r) => (refreshCalls(r) ?? 0) > 1),
    advice: {
      text: 'share one refresh across requests: see @expiryproof/core (one refresh at a time)',
      link: LINKS.readme,
    },
  },
  {
    when: is('concurrent-expiry', (r) => refreshCalls(r) === 0),
    advice: {
      text: 'refresh on the 401 instead of failing: park the rejected requests, refresh once, replay them',
      link: LINKS.behaviour,
    },
  },
  {
    when: is('refresh-unavailable', (r) => !/without trying to refresh/.test(r.details)),
    advice: {
      text: 'retry transient refresh failures with backoff; a network error never ends the session',
      link: LINKS.behaviour,
    },
  },
  {
    when: is('refresh-rejected', says(/after signing in again/)),
    advice: {
      text: 'replay the parked save once the re-auth dialog has new tokens, instead of dropping it',
      link: LINKS.behaviour,
    },
  },
  {
    when: is('refresh-rejected'),
    advice: {
      text: 'ask for the password over the page (re-auth dialog) instead of navigating away',
      link: LINKS.options,
    },
  },
  {
    when: says(/asked for the password/),
    advice: {
      text: 'refresh first: ask for the password only when the refresh token itself is rejected (400/401/403)',
      link: LINKS.behaviour,
    },
  },
  { when: says(/sent to the login page/), advice: RECOVER_401 },
  {
    when: says(/text in the field changed|no save carried the input/),
    advice: {
      text: 'replay the save with the input it was made with: never reload or reset the form around the refresh',
      link: LINKS.behaviour,
    },
  },
  {
    when: says(/parts of the page loaded/),
    advice: {
      text: 'replay every request parked during the refresh, not only the first',
      link: LINKS.behaviour,
    },
  },
  {
    when: says(/never completed|save failed/),
    advice: {
      text: 'replay the rejected save once after the refresh and show its outcome; keep input in a draft',
      link: LINKS.behaviour,
    },
  },
];

/** Said of any other failure: the general rule the scenarios check. */
const GENERAL: Advice = {
  text: 'treat a 401 as recoverable: one shared refresh, each request replayed once, re-auth over the page',
  link: LINKS.readme,
};

/** What to do about a failed scenario; undefined for any other verdict (nothing to fix, or nothing proven). */
export function adviceFor(result: ReportedScenario): Advice | undefined {
  if (result.status !== 'failed') return undefined;
  return RULES.find((rule) => rule.when(result))?.advice ?? GENERAL;
}
