import { describePattern, type UrlPattern, urlMatches } from '../url-pattern.js';
import type { TrafficEntry, TrafficLog } from './record-traffic.js';

export interface MatcherResult {
  pass: boolean;
  message: () => string;
}

function isLog(value: unknown): value is TrafficLog {
  return typeof value === 'object' && value !== null && Array.isArray((value as TrafficLog).entries);
}

function requireLog(value: unknown, matcher: string): TrafficLog {
  if (!isLog(value)) throw new TypeError(`${matcher} expects the TrafficLog from recordTraffic(page)`);
  return value;
}

// The status comes first: a response whose body was then cancelled still answered with it.
const line = (e: TrafficEntry) =>
  `  ${e.method} ${e.url} → ${e.status ?? e.failure ?? 'pending'}` +
  `${e.bodyFailure ? ` (body: ${e.bodyFailure})` : ''}${e.bearer ? ' (bearer)' : ''}` +
  `${e.tampered ? ` [token ${e.tampered}]` : ''}`;
const listing = (entries: TrafficEntry[]) => (entries.length ? entries.map(line).join('\n') : '  (none)');

/**
 * Matchers for `expect.extend`: assertions on a TrafficLog about how an app handled token expiry.
 * `expect.extend(trafficMatchers)` once, or use the `test` and `expect` this package exports.
 */
export const trafficMatchers = {
  /** The app called the refresh endpoint exactly `times` times. */
  toHaveRefreshedTimes(received: unknown, times: number): MatcherResult {
    const log = requireLog(received, 'toHaveRefreshedTimes');
    const calls = log.matching(log.refreshPattern);
    return {
      pass: calls.length === times,
      message: () =>
        `expected ${times} refresh call(s) to ${describePattern(log.refreshPattern)}, saw ${calls.length}:\n${listing(calls)}`,
    };
  },

  /** A request matching `pattern` got 401 and was sent again, and that replay succeeded. */
  toHaveReplayed(received: unknown, pattern: UrlPattern): MatcherResult {
    const log = requireLog(received, 'toHaveReplayed');
    const sent = log.matching(pattern);
    const replayed = sent.some(
      (first, i) =>
        first.status === 401 &&
        sent.slice(i + 1).some(
          // Only a status says the replay succeeded: a failed or unanswered one did not.
          (later) =>
            later.method === first.method &&
            later.url === first.url &&
            later.status !== undefined &&
            later.status < 400,
        ),
    );
    return {
      pass: replayed,
      message: () =>
        replayed
          ? `expected no successful replay of ${describePattern(pattern)} after a 401, but there was one:\n${listing(sent)}`
          : `expected ${describePattern(pattern)} to be replayed successfully after a 401:\n${listing(sent)}`,
    };
  },

  /** No request to `origin` carried a bearer token. */
  toHaveNeverSentTokenTo(received: unknown, origin: string): MatcherResult {
    const log = requireLog(received, 'toHaveNeverSentTokenTo');
    const wanted = new URL(origin).origin;
    const leaks = log.entries.filter((e) => e.bearer && new URL(e.url).origin === wanted);
    return {
      pass: leaks.length === 0,
      message: () =>
        leaks.length
          ? `expected no bearer token to go to ${wanted}, but ${leaks.length} request(s) carried one:\n${listing(leaks)}`
          : `expected a bearer token to go to ${wanted}, but none did`,
    };
  },

  /** Every main-frame navigation since recording started matched `pattern` (no trip to a login page). */
  toHaveStayedOn(received: unknown, pattern: UrlPattern): MatcherResult {
    const log = requireLog(received, 'toHaveStayedOn');
    const away = log.navigations.filter((url) => !urlMatches(pattern, url));
    return {
      pass: away.length === 0,
      message: () =>
        away.length
          ? `expected the page to stay on ${describePattern(pattern)}, but it went to:\n  ${away.join('\n  ')}`
          : `expected the page to leave ${describePattern(pattern)}, but it stayed`,
    };
  },
};

declare global {
  // Playwright declares its matcher types in this namespace.
  namespace PlaywrightTest {
    interface Matchers<R> {
      toHaveRefreshedTimes(times: number): R;
      toHaveReplayed(pattern: UrlPattern): R;
      toHaveNeverSentTokenTo(origin: string): R;
      toHaveStayedOn(pattern: UrlPattern): R;
    }
  }
}
