export { createProxyClient, type ProxyClient, type ProxyClientOptions } from './client.js';
export { type ChaosProxy, createProxy, type ProxyAddresses } from './create-proxy.js';
export { ProxyApiError, ProxyConfigError } from './errors.js';
export type { ListenAddress, ProxyOptions } from './options.js';
export { parseRules, readRulesFile } from './rules/rules-file.js';
export type { Duration, RuleAction, RuleInput, RuleMatch, RuleState, RuleView } from './rules/types.js';
export {
  describeScenarios,
  SCENARIO_NAMES,
  type ScenarioName,
  type ScenarioOptions,
  scenarioRules,
} from './scenarios.js';
export type { LogEntry, Outcome } from './traffic-log.js';
