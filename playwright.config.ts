import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from './packages/playwright/src/browser.js';

const PORT = Number(process.env.DEMO_E2E_PORT ?? 4173);

export default defineConfig({
  projects: [
    { name: 'demo', testDir: 'examples/demo/e2e' },
    { name: 'chaos-kit', testDir: 'packages/playwright/test', testMatch: '*.spec.ts' },
    { name: 'proxy', testDir: 'packages/proxy/test', testMatch: '*.spec.ts' },
    { name: 'vue', testDir: 'packages/vue/test', testMatch: '*.spec.ts' },
    { name: 'angular', testDir: 'packages/angular/test', testMatch: '*.spec.ts' },
  ],
  // One demo server and one demo user: tests run one at a time so their debug stats are their own.
  workers: 1,
  fullyParallel: false,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  timeout: 30_000,
  reporter: process.env.CI
    ? [['list'], ['./scripts/playwright-summary.ts']]
    : [['list'], ['./scripts/playwright-summary.ts']],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    launchOptions: chromiumLaunchOptions(),
    trace: 'retain-on-failure',
  },
  webServer: {
    command: 'node --import tsx examples/demo/server/src/main.ts',
    url: `http://127.0.0.1:${PORT}/login`,
    env: { PORT: String(PORT), DEMO_DEBUG: '1', ACCESS_TTL: '10m' },
    reuseExistingServer: false,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
