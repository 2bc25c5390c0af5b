import type { Scenario } from '../scenario.js';
import { concurrentExpiry } from './concurrent-expiry.js';
import { idleReturn } from './idle-return.js';
import { logoutEverywhere } from './logout-everywhere.js';
import { midFlightExpiry } from './mid-flight-expiry.js';
import { refreshRejected } from './refresh-rejected.js';
import { refreshUnavailable } from './refresh-unavailable.js';
import { stillUnauthorized } from './still-unauthorized.js';
import { tabs } from './tabs.js';
import { tokenLeak } from './token-leak.js';

/** Every scenario, in the order they are reported. */
export const SCENARIOS: readonly Scenario[] = [
  midFlightExpiry,
  concurrentExpiry,
  refreshRejected,
  refreshUnavailable,
  stillUnauthorized,
  idleReturn,
  tokenLeak,
  tabs,
  logoutEverywhere,
];
