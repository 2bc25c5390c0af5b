// `@expiryproof/playwright/check`: the audit as a library.

export type { Calibration } from './check/calibrate/calibrate.js';
export { defineConfig } from './check/config/define-config.js';
export { CheckConfigError, type ConfigProblem } from './check/config/errors.js';
export { loadConfig } from './check/config/load.js';
export type {
  CheckConfig,
  ConcurrentConfig,
  CredentialHint,
  ExpiryConfig,
  FormConfig,
  JourneyConfig,
  LoginConfig,
  SuccessSignal,
} from './check/config/types.js';
export { parseDuration, validateConfig } from './check/config/validate.js';
export type { Credential } from './check/discover/credential.js';
export type { Discovery } from './check/discover/discover.js';
export {
  discoveryLines,
  jsonReport,
  progressLine,
  scorecard,
  verdictLine,
} from './check/report/console.js';
export { exitCode } from './check/report/exit-code.js';
export { writeHtmlReport } from './check/report/html.js';
export {
  type CheckOptions,
  type CheckResult,
  type Mark,
  runCheck,
  type ScenarioResult,
} from './check/run-check.js';
export { SCENARIO_NAMES, type ScenarioName, type ScenarioStatus } from './check/scenario.js';
