export {
  type Chaos,
  createChaos,
  delay,
  dropConnection,
  type ExpireTokenOptions,
  expireToken,
  rejectWith,
} from './chaos/helpers.js';
export type { ChaosHandle, ChaosTarget, TimesOption } from './chaos/target.js';
export { expect, test } from './fixtures.js';
export { trafficMatchers } from './traffic/matchers.js';
export {
  type RecordTrafficOptions,
  recordTraffic,
  type Tampering,
  type TrafficEntry,
  type TrafficLog,
} from './traffic/record-traffic.js';
export { globToRegExp, type UrlPattern, urlMatches } from './url-pattern.js';
