import { test as base, expect as baseExpect } from '@playwright/test';
import { type Chaos, createChaos } from './chaos/helpers.js';
import { trafficMatchers } from './traffic/matchers.js';
import { recordTraffic, type TrafficLog } from './traffic/record-traffic.js';

/** `expect` with the traffic matchers added. */
export const expect = baseExpect.extend(trafficMatchers);

/**
 * Playwright's `test` with two fixtures: `chaos` (the helpers bound to the page, all disarmed at teardown)
 * and `traffic` (a recording of the page's requests).
 */
export const test = base.extend<{ chaos: Chaos; traffic: TrafficLog }>({
  chaos: async ({ page }, use) => {
    const chaos = createChaos(page);
    await use(chaos);
    await chaos.undoAll();
    // Handlers may still be running (a delayed request): let them finish quietly rather than fail teardown.
    await page.unrouteAll({ behavior: 'ignoreErrors' });
  },
  traffic: async ({ page }, use) => {
    const traffic = recordTraffic(page);
    await use(traffic);
    traffic.stop();
  },
});
