/**
 * The oldest `@playwright/test` the peer range admits, run for real: the package is packed as the registry
 * would ship it, installed next to that Playwright in a project of its own (no tsx: a JSON config), and used
 * both ways people use it — `expiryproof check` on a zoo app and the chaos-kit fixtures under that version's
 * own test runner. The newest supported version is the one the rest of the suite runs on.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runNode } from './run-cli.js';
import { auditConfigFor, zooApp } from './zoo/apps.js';
import { startThirdParty, startZooApp, type ThirdParty, type ZooServer } from './zoo/server/index.js';
import { ZOO_USER } from './zoo/types.js';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
const manifest = JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8')) as {
  peerDependencies: Record<string, string>;
};
/** `^1.45.0` → `1.45.0`: the lower bound is the oldest version the range lets a user install. */
const OLDEST = /^\^(\d+\.\d+\.\d+)$/.exec(manifest.peerDependencies['@playwright/test']!)?.[1];

let project: string;
let zoo: ZooServer;
let third: ThirdParty;
const npm = (args: string[], cwd: string) =>
  execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 180_000 });

beforeAll(async () => {
  expect(OLDEST, 'the peer range of @playwright/test must be a caret range').toBeDefined();
  project = mkdtempSync(join(tmpdir(), 'expiryproof-pw-oldest-'));
  writeFileSync(join(project, 'package.json'), JSON.stringify({ private: true, type: 'module' }));
  const packed = JSON.parse(npm(['pack', '--json', '--pack-destination', project], PACKAGE_DIR)) as Array<{
    filename: string;
  }>;
  npm(
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--ignore-scripts',
      join(project, packed[0]!.filename),
      `@playwright/test@${OLDEST}`,
    ],
    project,
  );
  third = await startThirdParty();
  zoo = await startZooApp(zooApp('bearer-ls/correct'), {
    accessTtlMs: 300_000,
    thirdPartyOrigin: third.origin,
  });
}, 240_000);

afterAll(async () => {
  await zoo?.close();
  await third?.close();
  if (project) rmSync(project, { recursive: true, force: true });
});

const installed = (name: string) =>
  (
    JSON.parse(readFileSync(join(project, 'node_modules', name, 'package.json'), 'utf8')) as {
      version: string;
    }
  ).version;

describe(`@playwright/test ${OLDEST} (the oldest the peer range admits)`, () => {
  it('is what the project really runs, and tsx is not installed', () => {
    expect(installed('@playwright/test')).toBe(OLDEST);
    expect(existsSync(join(project, 'node_modules', 'tsx'))).toBe(false);
  });

  it('`expiryproof check` with a JSON config gives the verdicts the real expiry gives on a careful app', async () => {
    const config = join(project, 'expiryproof.config.json');
    writeFileSync(
      config,
      JSON.stringify(auditConfigFor(zooApp('bearer-ls/correct'), zoo.origin, third.origin)),
    );
    const cli = join(project, 'node_modules', '@expiryproof', 'playwright', 'bin', 'expiryproof.js');
    const scenarios = ['mid-flight-expiry', 'concurrent-expiry', 'idle-return', 'token-leak'];
    const run = await runNode(
      [cli, 'check', '--reporter', 'json', ...scenarios.flatMap((s) => ['--scenario', s])],
      { cwd: project },
    );
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as { scenarios: Array<{ name: string; status: string }> };
    expect(Object.fromEntries(result.scenarios.map((s) => [s.name, s.status]))).toEqual(
      Object.fromEntries(scenarios.map((s) => [s, 'passed'])),
    );
  }, 240_000);

  it('the chaos-kit fixtures and matchers work under that version’s own test runner', async () => {
    writeFileSync(
      join(project, 'playwright.config.mjs'),
      `import { existsSync } from 'node:fs';
import { defineConfig } from '@playwright/test';
const system = '/usr/bin/chromium';
export default defineConfig({
  testDir: '.',
  reporter: 'list',
  use: {
    baseURL: ${JSON.stringify(zoo.origin)},
    launchOptions: existsSync(system)
      ? { executablePath: system, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] }
      : {},
  },
});
`,
    );
    writeFileSync(
      join(project, 'save.spec.mjs'),
      `import { expect, test } from '@expiryproof/playwright';
test('the save survives a token expired mid-flight', async ({ page, chaos, traffic }) => {
  await page.goto('/login');
  await page.fill('input[name=email]', ${JSON.stringify(ZOO_USER.email)});
  await page.fill('input[name=password]', process.env.ZOO_PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForURL('**/notes');
  await expect(page.locator('#notes.loaded')).toBeAttached();
  await page.fill('#note', 'typed before the token died');
  traffic.clear();
  await chaos.expireToken('**/api/notes', { times: 1 });
  await page.click('#save');
  await expect(page.locator('.saved')).toBeVisible();
  await traffic.settled();
  expect(traffic).toHaveRefreshedTimes(1);
  expect(traffic).toHaveStayedOn('**/notes');
});
`,
    );
    const runner = join(project, 'node_modules', '@playwright', 'test', 'cli.js');
    const run = await runNode([runner, 'test', '--config', 'playwright.config.mjs'], {
      cwd: project,
      env: { ...process.env, ZOO_PASSWORD: ZOO_USER.password, CI: '1' },
    });
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout).toMatch(/1 passed/);
  }, 120_000);
});
