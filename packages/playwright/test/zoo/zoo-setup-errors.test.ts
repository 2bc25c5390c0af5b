/**
 * Setup mistakes are the audit's `error`, never the app's failure: each names the config field, the
 * selector or URL and what was seen, within 15 s, and the command exits 2.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CheckConfig } from '../../src/check.js';
import { runCli } from '../run-cli.js';
import { auditConfigFor, zooApp } from './apps.js';
import { auditZooApp } from './audit-zoo.js';
import { startThirdParty, startZooApp } from './server/index.js';

const app = zooApp('bearer-ls/correct');

async function mistake(tweak: (config: CheckConfig) => CheckConfig) {
  const { result, ms } = await auditZooApp(app, {
    tweak,
    check: { scenarios: ['mid-flight-expiry', 'token-leak'] },
  });
  return { result, ms, reasons: result.scenarios.map((s) => s.details) };
}

describe('setup mistakes are errors that name what is wrong', () => {
  it('a login field that matches nothing', async () => {
    const { result, ms, reasons } = await mistake((c) => ({
      ...c,
      login: {
        path: '/login',
        fields: { 'input[name=emial]': 'zoo@example.com' },
        submit: 'button[type=submit]',
      },
    }));
    expect(result.exitCode).toBe(2);
    expect(result.scenarios.map((s) => s.status)).toEqual(['error', 'error']);
    expect(reasons[0]).toBe('login.fields "input[name=emial]" matched nothing on /login');
    expect(ms).toBeLessThan(15_000);
  }, 60_000);

  it('a wrong password', async () => {
    const { result, ms, reasons } = await mistake((c) => ({
      ...c,
      login: {
        path: '/login',
        fields: { 'input[name=email]': 'zoo@example.com', 'input[name=password]': 'not-the-password' },
        submit: 'button[type=submit]',
      },
    }));
    expect(result.exitCode).toBe(2);
    expect(reasons[0]).toMatch(/^login: POST \/api\/auth\/login answered 401 Unauthorized/);
    expect(reasons.join()).not.toContain('not-the-password');
    expect(ms).toBeLessThan(15_000);
  }, 60_000);

  it('an unreachable app', async () => {
    // A port nothing listens on: taken from the system, then let go.
    const closed = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as AddressInfo;
        server.close(() => resolve(port));
      });
    });
    const { result, ms, reasons } = await mistake((c) => ({ ...c, baseURL: `http://127.0.0.1:${closed}` }));
    expect(result.exitCode).toBe(2);
    expect(reasons[0]).toMatch(/^login\.path: could not open \/login \(net::ERR_CONNECTION_REFUSED/);
    expect(ms).toBeLessThan(15_000);
  }, 60_000);

  it('a form field that matches nothing', async () => {
    const { result, ms, reasons } = await mistake((c) => ({ ...c, form: { ...c.form!, field: '#bio' } }));
    expect(result.exitCode).toBe(2);
    expect(reasons[0]).toBe('form.field "#bio" matched nothing on /notes');
    expect(ms).toBeLessThan(15_000);
  }, 60_000);

  it('a `ready` selector that cannot parse (it would count 0 loaded parts)', async () => {
    const { result, ms, reasons } = await mistake((c) => ({
      ...c,
      concurrent: { ...c.concurrent!, ready: '[data-panel' },
    }));
    expect(result.exitCode).toBe(2);
    expect(reasons[0]).toMatch(/^concurrent\.ready "\[data-panel" is not a valid selector/);
    expect(ms).toBeLessThan(15_000);
  }, 60_000);

  it('a login rate limit: the sign-ins back off and every scenario still runs', async () => {
    const { result } = await auditZooApp(app, {
      loginLimit: 2,
      loginWindowMs: 3_000,
      check: { scenarios: ['mid-flight-expiry', 'refresh-unavailable', 'token-leak'] },
    });
    expect(result.scenarios.map((s) => s.status)).toEqual(['passed', 'passed', 'passed']);
    expect(result.exitCode).toBe(0);
  }, 120_000);

  it('nothing configured to run is not a pass', async () => {
    const { result } = await auditZooApp(app, {
      tweak: ({ thirdParty: _, ...c }) => c,
      check: { scenarios: ['token-leak'] },
    });
    expect(result.scenarios[0]).toMatchObject({ status: 'skipped', passed: false });
    expect(result.exitCode).toBe(2);
  }, 60_000);
});

describe('expiryproof check, the command, on setup mistakes', () => {
  it('a config with wrong types is a config error (exit 2), every problem named, not a crash', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'expiryproof-config-'));
    const file = join(dir, 'expiryproof.config.json');
    const config = auditConfigFor(app, 'http://127.0.0.1:9', 'http://localhost:9') as Record<string, unknown>;
    writeFileSync(
      file,
      JSON.stringify({
        ...config,
        form: { ...(config.form as object), saveRequest: 12345 },
        login: { ...(config.login as object), fields: null },
        concurent: {},
      }),
    );
    const { code, stderr } = await runCli(['check', '--config', file]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/3 problems/);
    expect(stderr).toMatch(/form\.saveRequest: expected a URL pattern/);
    expect(stderr).toMatch(/login\.fields: expected/);
    expect(stderr).toMatch(/concurent: unknown option; did you mean "concurrent"\?/);
    expect(stderr).not.toMatch(/TypeError|at .*\.js:\d+/);
  }, 30_000);

  it('a page that freezes is abandoned as an error and the command still ends', async () => {
    const third = await startThirdParty();
    const zoo = await startZooApp(zooApp('freeze-on-save/correct'), {
      accessTtlMs: 300_000,
      thirdPartyOrigin: third.origin,
    });
    try {
      const dir = mkdtempSync(join(tmpdir(), 'expiryproof-config-'));
      const file = join(dir, 'expiryproof.config.json');
      writeFileSync(
        file,
        JSON.stringify({
          ...auditConfigFor(zooApp('freeze-on-save/correct'), zoo.origin, third.origin),
          scenarioTimeout: 30,
        }),
      );
      const began = Date.now();
      const { code, stdout } = await runCli([
        'check',
        '--config',
        file,
        '--scenario',
        'mid-flight-expiry',
        '--reporter',
        'json',
      ]);
      expect(Date.now() - began).toBeLessThan(60_000);
      expect(code).toBe(2);
      const scenario = JSON.parse(stdout).scenarios[0];
      expect(scenario).toMatchObject({ name: 'mid-flight-expiry', status: 'error', passed: false });
      expect(scenario.details).toMatch(/stopped responding/);
    } finally {
      await Promise.all([zoo.close(), third.close()]);
    }
  }, 90_000);
});
