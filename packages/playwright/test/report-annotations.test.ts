import { describe, expect, it } from 'vitest';
import { adviceFor, REPO_URL, scenarioTitle } from '../src/check/report/advice.js';
import {
  escapeData,
  escapeProperty,
  githubAnnotations,
  workflowCommand,
} from '../src/check/report/github-annotations.js';
import type { ScenarioResult } from '../src/check/run-check.js';
import { checkResult as check, type ScenarioOverrides, scenarioResult } from './report-fixtures.js';

const scenario = (overrides: ScenarioOverrides) => scenarioResult({ summary: 'what it does', ...overrides });

/** Reads a workflow command the way the Actions runner does (ActionCommand.TryParseV2), undoing the escapes. */
function parseCommand(line: string) {
  const match = /^::(\w+)(?: ([^:]*))?::(.*)$/.exec(line);
  if (!match) throw new Error(`not a workflow command: ${line}`);
  const decode = (text: string, property: boolean) => {
    let out = text.replace(/%0D/g, '\r').replace(/%0A/g, '\n');
    if (property) out = out.replace(/%3A/g, ':').replace(/%2C/g, ',');
    return out.replace(/%25/g, '%');
  };
  const properties = Object.fromEntries(
    (match[2] ?? '')
      .split(',')
      .filter(Boolean)
      .map((pair) => {
        const eq = pair.indexOf('=');
        return [pair.slice(0, eq), decode(pair.slice(eq + 1), true)];
      }),
  );
  return { command: match[1]!, properties, message: decode(match[3]!, false) };
}

describe('githubAnnotations escaping', () => {
  it('escapes %, CR and LF in the message, and : and , as well in properties', () => {
    expect(escapeData('100% done\r\nnext: a,b')).toBe('100%25 done%0D%0Anext: a,b');
    expect(escapeProperty('100% done\r\nnext: a,b')).toBe('100%25 done%0D%0Anext%3A a%2Cb');
    // `%` first: an input that already looks escaped stays literal.
    expect(escapeData('%0A')).toBe('%250A');
  });

  it('round-trips any title and message through the runner’s parser, one line each', () => {
    const title = 'expiryproof: a,b::c %3A\nd';
    const message = 'line 1: 50% of 2, ::x\r\nline 2 %0A';
    const line = workflowCommand('error', title, message);
    expect(line).not.toMatch(/[\r\n]/);
    expect(parseCommand(line)).toEqual({ command: 'error', properties: { title }, message });
  });
});

describe('githubAnnotations', () => {
  it('errors per failure (with what to do), warns for inconclusive and error, says nothing of passes and skips', () => {
    const lines = githubAnnotations(
      check([
        scenario({
          name: 'mid-flight-expiry',
          journey: 'new task',
          status: 'failed',
          details: 'sent to the login page: the input was lost',
          evidence: ['POST /api/tasks → 401 (credential stale)'],
        }),
        scenario({ name: 'concurrent-expiry', status: 'passed', details: 'ok' }),
        scenario({ name: 'refresh-rejected', status: 'inconclusive', details: 'the fault never bit' }),
        scenario({
          name: 'refresh-unavailable',
          status: 'error',
          details: 'form.field "#bio" matched nothing',
        }),
        scenario({ name: 'idle-return', status: 'skipped', details: 'skipped: no `form` in the config' }),
      ]),
    ).map(parseCommand);
    expect(lines.map((l) => [l.command, l.properties.title])).toEqual([
      ['error', 'expiryproof: mid-flight-expiry › new task'],
      ['warning', 'expiryproof: refresh-rejected (inconclusive)'],
      ['warning', 'expiryproof: refresh-unavailable (error)'],
    ]);
    expect(lines[0]!.message.split('\n')).toEqual([
      'sent to the login page: the input was lost',
      expect.stringMatching(/^What to do: recover the 401 instead of redirecting.*\(https:\/\/github\.com\//),
      'POST /api/tasks → 401 (credential stale)',
    ]);
  });

  it('gives a notice with the tally when everything passed', () => {
    const lines = githubAnnotations(
      check([scenario({ name: 'token-leak', status: 'passed', details: 'no credential' })], {
        passed: true,
        exitCode: 0,
      }),
    ).map(parseCommand);
    expect(lines).toEqual([
      {
        command: 'notice',
        properties: { title: 'expiryproof check' },
        message: 'expiry-proof: 1 passed, 0 failed',
      },
    ]);
  });

  it('says a setup error once, not once per scenario it stopped', () => {
    const setupError = 'login: POST /api/login answered 429, twice';
    const lines = githubAnnotations(
      check(
        [
          scenario({ name: 'mid-flight-expiry', status: 'error', details: setupError }),
          scenario({ name: 'token-leak', status: 'error', details: setupError }),
        ],
        { exitCode: 2, setupError },
      ),
    ).map(parseCommand);
    expect(lines).toEqual([
      { command: 'error', properties: { title: 'expiryproof check could not run' }, message: setupError },
    ]);
  });
});

describe('adviceFor', () => {
  const failed = (name: ScenarioResult['name'], details: string, metrics: Record<string, number> = {}) =>
    adviceFor(scenario({ name, status: 'failed', details, metrics }));

  it('says what to do about each failure the scenarios report, with a link into the project', () => {
    const cases: [ScenarioResult['name'], string, Record<string, number>, RegExp][] = [
      [
        'concurrent-expiry',
        '4 refresh calls for 6 concurrent 401s (expected 1 shared refresh); then sent to the login page',
        { refreshCalls: 4 },
        /^share one refresh across requests: see @expiryproof\/core \(one refresh at a time\)/,
      ],
      [
        'concurrent-expiry',
        'no refresh attempted for 6 concurrent 401s',
        { refreshCalls: 0 },
        /^refresh on the 401/,
      ],
      [
        'mid-flight-expiry',
        'sent to the login page: the input was lost',
        {},
        /^recover the 401 instead of redirecting: replay the request after a refresh; keep input in a draft/,
      ],
      [
        'idle-return',
        'sent to the login page: the input was lost',
        {},
        /^recover the 401 instead of redirecting/,
      ],
      [
        'token-leak',
        'sent the credential (the Authorization header) to a third party (https://x.test)',
        {},
        /^send the token only to your API's origins \(`origins` in @expiryproof\/core\)/,
      ],
      [
        'still-unauthorized',
        'a retry loop: the save was sent 648 times and the refresh called 0 times in 3 s',
        {},
        /^replay at most once/,
      ],
      [
        'refresh-unavailable',
        'one 503 from the refresh endpoint logged the user out; the input was lost',
        {},
        /^retry transient refresh failures with backoff; a network error never ends the session/,
      ],
      [
        'refresh-unavailable',
        'sent to the login page without trying to refresh: the input was lost',
        {},
        /^recover the 401 instead of redirecting/,
      ],
      [
        'refresh-rejected',
        'sent to the login page: the input was lost',
        {},
        /^ask for the password over the page \(re-auth dialog\) instead of navigating away/,
      ],
      [
        'refresh-rejected',
        'the save failed with no way to sign in again (no re-auth prompt), though the text is still there',
        {},
        /^ask for the password over the page/,
      ],
      [
        'mid-flight-expiry',
        'asked for the password although the refresh token was still valid',
        {},
        /^refresh first/,
      ],
      [
        'mid-flight-expiry',
        'the save never completed and the input is gone',
        {},
        /^replay the rejected save once/,
      ],
      [
        'mid-flight-expiry',
        'success was shown, but no save carried the input and the input is gone',
        {},
        /^replay the save with the input/,
      ],
      [
        'tabs',
        '3 refresh calls from 3 tabs, 2 refused (the tabs raced with one refresh token); then tab 2 ended on the login page',
        { refusedRefreshes: 2 },
        /^let the tabs act as one session.*`crossTab`/,
      ],
      [
        'logout-everywhere',
        'after signing out in tab 1, tab 2 kept working with the old session (2 of 2 call(s) succeeded)',
        {},
        /^sign out every tab at once/,
      ],
      ['mid-flight-expiry', 'something nobody foresaw', {}, /^treat a 401 as recoverable/],
    ];
    for (const [name, details, metrics, expected] of cases) {
      const advice = failed(name, details, metrics);
      expect(advice?.text, `${name}: ${details}`).toMatch(expected);
      expect(advice?.link?.startsWith(REPO_URL), `${name}: ${details}`).toBe(true);
    }
  });

  it('has nothing to say of a verdict that is not a failure', () => {
    for (const status of ['passed', 'inconclusive', 'error', 'skipped'] as const)
      expect(
        adviceFor(scenario({ name: 'token-leak', status, details: 'sent the credential' })),
      ).toBeUndefined();
  });

  it('names a scenario with its journey when it has one', () => {
    expect(scenarioTitle(scenario({ name: 'idle-return', status: 'passed', details: '' }))).toBe(
      'idle-return',
    );
    expect(
      scenarioTitle(
        scenario({ name: 'idle-return', journey: 'edit profile', status: 'passed', details: '' }),
      ),
    ).toBe('idle-return › edit profile');
  });
});
