import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCheckConfig } from '../../../examples/demo/check-config.js';
import { chromiumLaunchOptions } from '../src/browser.js';
import { type CheckResult, runCheck, scorecard, writeHtmlReport } from '../src/check.js';
import { startAuditTarget } from './audit-target.js';
import { runCli } from './run-cli.js';

const target = {} as Awaited<ReturnType<typeof startAuditTarget>>;
const results = new Map<string, CheckResult>();

beforeAll(async () => {
  Object.assign(target, await startAuditTarget());
}, 60_000);
afterAll(() => target.close());

/** Audits one client of the fixture build (memoised: each client is audited once per run). */
async function audit(prefix: string): Promise<CheckResult> {
  if (!results.has(prefix))
    results.set(prefix, await runCheck(demoCheckConfig(target.origin, prefix), { concurrency: 4 }));
  return results.get(prefix)!;
}

const verdicts = (result: CheckResult) => Object.fromEntries(result.scenarios.map((s) => [s.name, s.status]));
const reason = (result: CheckResult, name: string) => result.scenarios.find((s) => s.name === name)!.details;

describe('expiryproof check judges real clients in Chromium', () => {
  it('passes the resilient demo client on every scenario, with no false alarm', async () => {
    const result = await audit('');
    expect(verdicts(result), scorecard(result)).toEqual({
      'mid-flight-expiry': 'passed',
      'concurrent-expiry': 'passed',
      'refresh-rejected': 'passed',
      'refresh-unavailable': 'passed',
      'still-unauthorized': 'passed',
      'idle-return': 'passed',
      'token-leak': 'passed',
      tabs: 'passed',
      'logout-everywhere': 'passed',
    });
    expect(result.passed).toBe(true);
    expect(reason(result, 'concurrent-expiry')).toMatch(
      /^\d+ concurrent 401s shared 1 refresh; all 6 parts loaded/,
    );
    expect(reason(result, 'refresh-rejected')).toMatch(/asked for the password/);
  }, 120_000);

  it('fails the lazy client where it loses input, each failure with its reason', async () => {
    const result = await audit('/lazy');
    expect(result.passed).toBe(false);
    expect(verdicts(result), scorecard(result)).toMatchObject({
      'mid-flight-expiry': 'failed',
      'concurrent-expiry': 'failed',
      'refresh-rejected': 'failed',
      'refresh-unavailable': 'failed',
      'idle-return': 'failed',
      'token-leak': 'failed',
      // Redirecting on every 401 is bounded, if useless: not a loop.
      'still-unauthorized': 'passed',
      // Its tokens live in one tab's sessionStorage: a new tab is not signed in, so nothing races.
      tabs: 'inconclusive',
      'logout-everywhere': 'inconclusive',
    });
    expect(reason(result, 'mid-flight-expiry')).toBe('sent to the login page: the input was lost');
    expect(reason(result, 'refresh-rejected')).toBe('sent to the login page: the input was lost');
    expect(reason(result, 'token-leak')).toMatch(
      /sent the credential \(the Authorization header\) to a third party \(https:\/\/status\.example\.test\)/,
    );
  }, 120_000);

  it('flags the per-request `_retry` interceptor: it passes the articles’ test but refreshes once per 401', async () => {
    const result = await audit('/retry');
    expect(verdicts(result), scorecard(result)).toMatchObject({
      'mid-flight-expiry': 'passed',
      'concurrent-expiry': 'failed',
      'token-leak': 'failed',
    });
    // One refresh per 401 (how many 401s had arrived before it gave up and went to /login depends on timing).
    expect(reason(result, 'concurrent-expiry')).toMatch(
      /^\d+ refresh calls for \d+ concurrent 401s( \(\d+ more on retries\))? \(expected 1 shared refresh\)/,
    );
    expect(
      result.scenarios.find((s) => s.name === 'concurrent-expiry')!.metrics.refreshCalls,
    ).toBeGreaterThan(1);
    expect(reason(result, 'refresh-unavailable')).toMatch(
      /one 503 from the refresh endpoint logged the user out/,
    );
  }, 120_000);

  it('flags the shared-promise interceptor: it loops when the server keeps answering 401', async () => {
    const result = await audit('/shared');
    expect(verdicts(result), scorecard(result)).toMatchObject({
      'mid-flight-expiry': 'passed',
      'still-unauthorized': 'failed',
      'token-leak': 'failed',
    });
    expect(reason(result, 'still-unauthorized')).toMatch(/^a retry loop: the save was sent \d+ times/);
    expect(result.scenarios.find((s) => s.name === 'still-unauthorized')!.metrics.sends).toBeGreaterThan(3);
  }, 120_000);

  it('flags axios-auth-refresh: requests in flight during its refresh are lost, or late 401s refresh again', async () => {
    const result = await audit('/aar');
    expect(verdicts(result), scorecard(result)).toMatchObject({
      'mid-flight-expiry': 'passed',
      'concurrent-expiry': 'failed',
      'token-leak': 'failed',
    });
    // Which of its two faults shows depends on timing: requests already in flight when the refresh starts are
    // rejected (parts missing), or 401s that land after the refresh finished start refreshes of their own.
    expect(reason(result, 'concurrent-expiry')).toMatch(
      /^(only \d of 6 parts of the page loaded after the refresh|[2-6] refresh calls for 6 concurrent 401s)/,
    );
  }, 120_000);

  it('writes an HTML report whose screenshot shows the request timeline', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'expiryproof-report-'));
    const file = await writeHtmlReport(dir, await audit('/retry'), {
      title: 'audit of /retry',
      target: target.origin,
      refresh: '**/auth/refresh',
    });
    const browser = await chromium.launch(chromiumLaunchOptions());
    try {
      const page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
      await page.goto(`file://${file}`);
      const timeline = page.locator('#concurrent-expiry svg.timeline');
      await expect(timeline.isVisible()).resolves.toBe(true);
      const shot = await timeline.screenshot();
      // Read the screenshot's pixels back in the browser: the drawing must hold 401 bars and refresh outlines.
      const colours = await page.evaluate(async (png) => {
        const image = new Image();
        image.src = `data:image/png;base64,${png}`;
        await image.decode();
        const canvas = document.createElement('canvas');
        [canvas.width, canvas.height] = [image.width, image.height];
        const context = canvas.getContext('2d')!;
        context.drawImage(image, 0, 0);
        const data = context.getImageData(0, 0, image.width, image.height).data;
        const count = { red: 0, blue: 0, green: 0 };
        for (let i = 0; i < data.length; i += 4) {
          const [r, g, b] = [data[i]!, data[i + 1]!, data[i + 2]!];
          if (r > 200 && g < 60 && b < 60) count.red++;
          if (r < 60 && g > 80 && g < 120 && b > 200) count.blue++;
          if (r < 40 && g > 140 && b < 90) count.green++;
        }
        return count;
      }, shot.toString('base64'));
      expect(colours.red).toBeGreaterThan(100);
      expect(colours.blue).toBeGreaterThan(100);
      expect(colours.green).toBeGreaterThan(100);
      expect(await page.locator('#concurrent-expiry img').count()).toBe(1);
      expect(await page.locator('#mid-flight-expiry img').count()).toBe(2);
    } finally {
      await browser.close();
    }
  }, 120_000);
});

describe('expiryproof check, the command', () => {
  const config = fileURLToPath(new URL('../../../examples/demo/expiryproof.lazy.config.ts', import.meta.url));

  /** The command, against the audit target. */
  const run = (args: string[]) =>
    runCli(args, { env: { ...process.env, EXPIRYPROOF_BASE_URL: target.origin } });

  it('prints the JSON verdict and exits 1 when a scenario fails', async () => {
    const { code, stdout } = await run([
      'check',
      '--config',
      config,
      '--reporter',
      'json',
      '--scenario',
      'mid-flight-expiry',
      '--scenario',
      'token-leak',
    ]);
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toMatchObject({
      passed: false,
      exitCode: 1,
      credential: { kind: 'header', name: 'authorization' },
      scenarios: [
        expect.objectContaining({
          name: 'mid-flight-expiry',
          passed: false,
          details: 'sent to the login page: the input was lost',
        }),
        expect.objectContaining({
          name: 'token-leak',
          passed: false,
          details: expect.stringMatching(/sent the credential/),
        }),
      ],
    });
  }, 60_000);

  it('exits 0 with a progress line per scenario and a scorecard when all pass', async () => {
    const resilient = fileURLToPath(new URL('../../../examples/demo/expiryproof.config.ts', import.meta.url));
    const { code, stdout } = await run(['check', '--config', resilient, '--scenario', 'mid-flight-expiry']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/✓ mid-flight-expiry/);
    expect(stdout).toMatch(/expiry-proof: 1 passed, 0 failed/);
  }, 60_000);

  it('rejects bad input with exit code 2 and a clear message', async () => {
    const missing = await run(['check', '--config', 'nope.config.json']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/No config at .*nope\.config\.json/);
    const scenario = await run(['check', '--config', config, '--scenario', 'teleport']);
    expect(scenario.code).toBe(2);
    expect(scenario.stderr).toMatch(/unknown scenario teleport/);
  }, 60_000);
});
