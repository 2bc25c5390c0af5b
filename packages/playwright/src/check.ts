// `@expiryproof/playwright/check`: the audit as a library.
export {
  type CheckConfig,
  CheckConfigError,
  type LoginConfig,
  loadConfig,
  validateConfig,
} from './check/config.js';
export { jsonReport, progressLine, scorecard } from './check/report/console.js';
export { writeHtmlReport } from './check/report/html.js';
export {
  type CheckOptions,
  type CheckResult,
  type Mark,
  runCheck,
  type ScenarioResult,
} from './check/run-check.js';
export { SCENARIO_NAMES, type ScenarioName } from './check/scenario.js';
