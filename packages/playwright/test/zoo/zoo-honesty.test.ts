/**
 * A verdict the audit cannot back with evidence is `inconclusive`, never a pass; the articles' strip test is
 * shown giving a false pass where the default (a stale credential) and natural expiry give the truth.
 */
import { type Browser, chromium } from '@playwright/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumLaunchOptions } from '../../src/browser.js';
import type { ScenarioName } from '../../src/check.js';
import { zooApp } from './apps.js';
import { auditZooApp, explain, statuses } from './audit-zoo.js';
import { computeTruthTable, type ZooScenario } from './truth.js';

let browser: Browser;
beforeAll(async () => {
  browser = await chromium.launch(chromiumLaunchOptions());
}, 60_000);
afterAll(() => browser?.close());

const EXPIRING: ScenarioName[] = [
  'mid-flight-expiry',
  'concurrent-expiry',
  'refresh-rejected',
  'refresh-unavailable',
  'still-unauthorized',
  'idle-return',
];

describe('verdicts backed by evidence', () => {
  it('a 403-for-expired server: stripping the header passes a client that a real expiry breaks; a stale credential does not', async () => {
    const app = zooApp('403-expired/refresh-401-only');
    const scenarios: ZooScenario[] = ['mid-flight-expiry'];
    const truth = await computeTruthTable([app], browser, { scenarios });
    expect(truth[app.name]!['mid-flight-expiry'].verdict).toBe('failed');
    const stale = await auditZooApp(app, { check: { scenarios } });
    const strip = await auditZooApp(app, {
      check: { scenarios },
      tweak: (config) => ({ ...config, expiry: { mode: 'strip' } }),
    });
    expect(stale.result.discovery?.calibration).toMatchObject({
      stale: { status: 403 },
      missing: { status: 401 },
    });
    expect(statuses(stale.result)).toEqual({ 'mid-flight-expiry': 'failed' });
    // The articles' test: a missing header gets 401, which this client does refresh on — a false pass.
    expect(statuses(strip.result)).toEqual({ 'mid-flight-expiry': 'passed' });
  }, 180_000);

  it('a credential named wrongly (on no request) leaves every expiry scenario inconclusive, exit 3', async () => {
    const { result } = await auditZooApp(zooApp('bearer-ls/redirect'), {
      tweak: (config) => ({ ...config, credential: { header: 'x-session' } }),
    });
    for (const name of EXPIRING)
      expect(result.scenarios.find((s) => s.name === name)!.status).toBe('inconclusive');
    expect(result.discovery?.problem).toMatch(/x-session header .*on no API request/);
    // token-leak judges what left for the third party, with or without a credential to expire.
    expect(result.scenarios.find((s) => s.name === 'token-leak')!.status).toBe('failed');
    expect(result.exitCode).toBe(1);
    expect(result.passed).toBe(false);
  }, 180_000);

  it('a value the server does not check is not a credential: a stale one is accepted, so nothing is judged', async () => {
    const { result } = await auditZooApp(zooApp('bearer-ls/correct'), {
      tweak: (config) => ({ ...config, credential: { header: 'user-agent' } }),
      check: { scenarios: ['mid-flight-expiry', 'concurrent-expiry'] },
    });
    expect(result.discovery?.problem).toMatch(/server accepted a stale the user-agent header/);
    expect(statuses(result)).toEqual({
      'mid-flight-expiry': 'inconclusive',
      'concurrent-expiry': 'inconclusive',
    });
    expect(result.exitCode).toBe(3);
    expect(result.passed).toBe(false);
  }, 180_000);

  it('natural expiry (a 1.5 s lifetime, waited out) gives the truth and calibrates on the real expired answer', async () => {
    const scenarios: ZooScenario[] = ['mid-flight-expiry', 'concurrent-expiry', 'idle-return'];
    for (const name of ['bearer-ls/correct', '403-expired/refresh-401-only']) {
      const app = zooApp(name);
      const truth = await computeTruthTable([app], browser, { scenarios });
      const { result } = await auditZooApp(app, {
        accessTtlMs: 1_500,
        tweak: (config) => ({ ...config, expiry: { mode: 'natural' } }),
        check: { scenarios },
      });
      expect(result.discovery?.calibration?.natural?.status).toBe(app.shape.expiredStatus);
      expect(statuses(result), name).toEqual(
        Object.fromEntries(scenarios.map((s) => [s, truth[app.name]![s].verdict])),
      );
    }
  }, 300_000);
});

describe('signing in once where the app allows it', () => {
  it('a server that does not rotate refresh tokens: one sign-in serves every scenario, verdicts unchanged', async () => {
    const rotating = zooApp('bearer-ls/correct');
    const app = {
      ...rotating,
      name: 'bearer-ls (no rotation)/correct',
      shape: { ...rotating.shape, rotateRefresh: false },
    };
    const scenarios: ScenarioName[] = ['mid-flight-expiry', 'concurrent-expiry', 'refresh-unavailable'];
    const once = await auditZooApp(app, { check: { scenarios } });
    expect(once.result.signIn).toMatch(/^signed in once/);
    // The server is the judge of "once": discovery's sign-in, and none by any scenario.
    expect(once.logins).toBe(1);
    expect(statuses(once.result), explain(once.result)).toEqual({
      'mid-flight-expiry': 'passed',
      'concurrent-expiry': 'passed',
      'refresh-unavailable': 'passed',
    });
    // Rotation with reuse detection: a saved state dies with its first refresh, so each scenario signs in.
    const each = await auditZooApp(rotating, { check: { scenarios: ['mid-flight-expiry'] } });
    expect(each.result.signIn).toMatch(/^one sign-in per scenario, one at a time: .*rotation/);
    expect(statuses(each.result), explain(each.result)).toEqual({ 'mid-flight-expiry': 'passed' });
  }, 180_000);
});
