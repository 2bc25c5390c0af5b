/**
 * `npm start`, the project's main job: starts the bundled demo and audits both of its clients with
 * `expiryproof check` in Chromium, printing a scorecard for each and writing HTML reports.
 * Exits 0 when the resilient client passes every scenario and the lazy one is caught failing.
 */
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { demoCheckConfig } from '../examples/demo/check-config.js';
import { buildApp } from '../examples/demo/server/src/app.js';
import { configFromEnv } from '../examples/demo/server/src/config.js';
import { chromiumLaunchOptions } from '../packages/playwright/src/browser.js';
import {
  discoveryLines,
  progressLine,
  runCheck,
  scorecard,
  writeHtmlReport,
} from '../packages/playwright/src/check.js';

const started = Date.now();
const clientDir = fileURLToPath(new URL('../examples/demo/client/dist/', import.meta.url));
const { app } = await buildApp({ ...configFromEnv({}, clientDir), port: 0 });
await app.listen({ host: '127.0.0.1', port: 0 });
const origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
const browser = await chromium.launch(chromiumLaunchOptions());

let ok = true;
try {
  for (const [name, prefix] of [
    ['resilient', ''],
    ['lazy', '/lazy'],
  ] as const) {
    console.log(`\nexpiryproof check → ${origin}${prefix}/ (the demo's ${name} client)`);
    const result = await runCheck(demoCheckConfig(origin, prefix), {
      browser,
      concurrency: 4,
      onDiscovery: (d) => console.log(discoveryLines(d).join('\n')),
      onResult: (r) => console.log(progressLine(r)),
    });
    console.log(`\n${scorecard(result, `Scorecard: ${name} client`)}`);
    const report = await writeHtmlReport(
      fileURLToPath(new URL(`../.expiryproof-report/${name}`, import.meta.url)),
      result,
      {
        title: `expiryproof check: the demo's ${name} client`,
        target: `${origin}${prefix}`,
        refresh: '**/auth/refresh',
      },
    );
    console.log(`  report: ${report}`);
    ok &&= name === 'resilient' ? result.passed : !result.passed;
  }
} finally {
  await browser.close();
  await app.close();
}
console.log(
  `\n${ok ? 'As expected' : 'UNEXPECTED'}: the resilient client is expiry-proof, the lazy one is not (${((Date.now() - started) / 1000).toFixed(1)} s).`,
);
process.exitCode = ok ? 0 : 1;
