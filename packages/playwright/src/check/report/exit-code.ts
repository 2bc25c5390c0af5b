import type { ScenarioStatus } from '../scenario.js';

/**
 * The command's exit code: 0 every scenario that ran passed; 1 at least one failed; 2 the config was bad
 * or the audit could not run anything (every scenario errored or was skipped); 3 nothing failed, but
 * something was inconclusive or errored — not a pass, since it is not backed by evidence.
 */
export function exitCode(result: {
  scenarios: readonly { status: ScenarioStatus }[];
  setupError?: string | undefined;
}): 0 | 1 | 2 | 3 {
  const statuses = result.scenarios.map((s) => s.status);
  if (statuses.includes('failed')) return 1;
  const ran = statuses.filter((s) => s !== 'skipped' && s !== 'error');
  if (result.setupError || ran.length === 0) return 2;
  return statuses.every((s) => s === 'passed' || s === 'skipped') ? 0 : 3;
}
