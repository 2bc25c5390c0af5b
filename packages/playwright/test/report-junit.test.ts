// @vitest-environment jsdom
// jsdom's DOMParser is a real XML parser: what it cannot parse, CI's JUnit readers cannot either.
import { describe, expect, it } from 'vitest';
import type { Discovery } from '../src/check/discover/discover.js';
import { junitReport } from '../src/check/report/junit.js';
import { checkResult, type ScenarioOverrides, scenarioResult } from './report-fixtures.js';

const NASTY = 'answered <403> & said "no" \u0000\u0007\u001b\uFFFF\uD800 done';

const scenario = (overrides: ScenarioOverrides) => scenarioResult({ durationMs: 1234, ...overrides });

const discovery: Discovery = {
  credential: { kind: 'header', name: 'authorization' },
  source: 'discovered',
  calibration: {
    sample: 'GET /api/me',
    valid: { status: 200, fingerprint: '200 · application/json · {"id":1}' },
    stale: { status: 401, fingerprint: '401 · WWW-Authenticate: Bearer error="invalid_token"' },
    missing: { status: 401, fingerprint: '401' },
    rejects: [401],
  },
  mode: 'stale',
  rejects: [401],
  lifetimeMs: 900_000,
  natural: undefined,
  notes: ['credential: the Authorization header (found after sign-in)'],
  problem: undefined,
  inputKinds: {},
  signedIn: undefined,
};

const result = checkResult(
  [
    scenario({
      name: 'mid-flight-expiry',
      journey: 'new task',
      status: 'failed',
      details: `sent to the login page: ${NASTY}`,
      metrics: { refreshCalls: 0 },
      evidence: ['POST /api/tasks → 401 (credential stale)', 'GET /login?next=/a&b → 200'],
    }),
    scenario({ name: 'concurrent-expiry', status: 'passed', details: '6 concurrent 401s shared 1 refresh' }),
    scenario({ name: 'refresh-rejected', status: 'inconclusive', details: `the fault never bit: ${NASTY}` }),
    scenario({ name: 'refresh-unavailable', status: 'error', details: 'form.field "#bio" matched nothing' }),
    scenario({
      name: 'idle-return',
      status: 'skipped',
      details: 'skipped: no `form` in the config',
      durationMs: 0,
    }),
  ],
  { discovery, signIn: 'one sign-in per scenario', durationMs: 42_500 },
);

function parse(xml: string): Document {
  const doc = new DOMParser().parseFromString(xml, 'application/xml');
  const error = doc.getElementsByTagName('parsererror')[0];
  if (error) throw new Error(`not well-formed XML: ${error.textContent}`);
  return doc;
}

const cases = (doc: Document) => [...doc.getElementsByTagName('testcase')];

describe('junitReport', () => {
  const xml = junitReport(result, { suiteName: 'my app' });
  const doc = parse(xml);

  it('is one well-formed suite whose counts match its test cases', () => {
    const suites = doc.getElementsByTagName('testsuite');
    expect(suites).toHaveLength(1);
    const suite = suites[0]!;
    expect(doc.documentElement.tagName).toBe('testsuites');
    expect(
      Object.fromEntries(
        ['name', 'tests', 'failures', 'errors', 'skipped', 'time'].map((a) => [a, suite.getAttribute(a)]),
      ),
    ).toEqual({
      name: 'my app',
      tests: '5',
      failures: '1',
      errors: '1',
      // inconclusive and skipped: neither passed nor failed.
      skipped: '2',
      time: '42.500',
    });
    expect(suite.getElementsByTagName('failure')).toHaveLength(1);
    expect(suite.getElementsByTagName('error')).toHaveLength(1);
    expect(suite.getElementsByTagName('skipped')).toHaveLength(2);
  });

  it('has one test case per scenario, named with its journey, timed in seconds', () => {
    expect(
      cases(doc).map((c) => [c.getAttribute('name'), c.getAttribute('classname'), c.getAttribute('time')]),
    ).toEqual([
      ['mid-flight-expiry › new task', 'expiryproof', '1.234'],
      ['concurrent-expiry', 'expiryproof', '1.234'],
      ['refresh-rejected', 'expiryproof', '1.234'],
      ['refresh-unavailable', 'expiryproof', '1.234'],
      ['idle-return', 'expiryproof', '0.000'],
    ]);
    expect(cases(doc)[1]!.children).toHaveLength(0);
  });

  it('maps each status to its element, the reason escaped and stripped of characters XML forbids', () => {
    const [failed, , inconclusive, error, skipped] = cases(doc);
    const failure = failed!.getElementsByTagName('failure')[0]!;
    // Round trip: the parser gives back exactly the reason, minus what XML 1.0 cannot hold.
    expect(failure.getAttribute('message')).toBe('sent to the login page: answered <403> & said "no"  done');
    expect(failure.textContent).toContain('POST /api/tasks → 401 (credential stale)');
    expect(failure.textContent).toContain('GET /login?next=/a&b → 200');
    expect(failure.textContent).toContain('metrics: refreshCalls: 0');
    expect(failure.textContent).toMatch(/what to do: recover the 401 instead of redirecting/);
    expect(inconclusive!.getElementsByTagName('skipped')[0]!.getAttribute('message')).toBe(
      'inconclusive: the fault never bit: answered <403> & said "no"  done',
    );
    expect(error!.getElementsByTagName('error')[0]!.getAttribute('message')).toBe(
      'form.field "#bio" matched nothing',
    );
    expect(skipped!.getElementsByTagName('skipped')[0]!.getAttribute('message')).toBe(
      'skipped: no `form` in the config',
    );
    const forbidden = [...xml].filter((c) => {
      const cp = c.codePointAt(0)!;
      return (
        (cp < 0x20 && ![0x9, 0xa, 0xd].includes(cp)) ||
        cp === 0xfffe ||
        cp === 0xffff ||
        (cp >= 0xd800 && cp <= 0xdfff)
      );
    });
    expect(forbidden).toEqual([]);
  });

  it('keeps newlines in attributes as references, so they survive attribute normalisation', () => {
    const multiline = junitReport({
      ...result,
      scenarios: [scenario({ name: 'token-leak', status: 'failed', details: 'line one\nline two\ttabbed' })],
    });
    const failure = parse(multiline).getElementsByTagName('failure')[0]!;
    expect(failure.getAttribute('message')).toBe('line one\nline two\ttabbed');
  });

  it('carries the credential and the calibration as properties: names and statuses only', () => {
    const properties = [...doc.getElementsByTagName('property')].map((p) => [
      p.getAttribute('name'),
      p.getAttribute('value'),
    ]);
    expect(properties).toEqual(
      expect.arrayContaining([
        ['credential', 'header authorization'],
        ['credential.source', 'discovered'],
        ['expiry.mode', 'stale'],
        ['calibration.sample', 'GET /api/me'],
        ['calibration.valid', '200'],
        ['calibration.stale', '401'],
        ['calibration.missing', '401'],
        ['rejects', '401'],
      ]),
    );
    // Fingerprints may quote a response body: they stay out of CI logs.
    expect(xml).not.toContain('invalid_token');
  });

  it('reports a run that could not start as one errored test, not an empty pass', () => {
    const broken = parse(
      junitReport({
        ...result,
        exitCode: 2,
        discovery: undefined,
        scenarios: [],
        setupError: 'login: POST /api/login answered 429',
      }),
    );
    const suite = broken.getElementsByTagName('testsuite')[0]!;
    expect([suite.getAttribute('tests'), suite.getAttribute('errors')]).toEqual(['1', '1']);
    expect(broken.getElementsByTagName('error')[0]!.getAttribute('message')).toBe(
      'login: POST /api/login answered 429',
    );
  });
});
