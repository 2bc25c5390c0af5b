import type { CheckResult, ScenarioResult } from '../run-check.js';

const SYMBOL = { passed: '✓', failed: '✗', skipped: '–' } as const;

/** The line printed as a scenario finishes. */
export function progressLine(result: ScenarioResult): string {
  const seconds = (result.durationMs / 1000).toFixed(1);
  return `  ${SYMBOL[result.status]} ${result.name.padEnd(20)} ${result.details} (${seconds} s)`;
}

/** The scorecard: one row per scenario, then the overall verdict. */
export function scorecard(result: CheckResult, title = 'expiryproof check'): string {
  const rows = result.scenarios.map((s) => [s.name, s.status.toUpperCase(), s.details]);
  const widths = [0, 1].map((i) => Math.max(...rows.map((r) => r[i]!.length), i ? 7 : 8));
  const line = (cells: string[]) =>
    `  ${cells[0]!.padEnd(widths[0]!)}  ${cells[1]!.padEnd(widths[1]!)}  ${cells[2]}`;
  const failedCount = result.scenarios.filter((s) => s.status === 'failed').length;
  const verdict = result.passed
    ? `expiry-proof: ${result.scenarios.filter((s) => s.status === 'passed').length} passed, 0 failed`
    : `NOT expiry-proof: ${failedCount} of ${result.scenarios.length} scenarios failed`;
  return [`${title}`, line(['scenario', 'verdict', 'reason']), ...rows.map(line), `  → ${verdict}`].join(
    '\n',
  );
}

/** The `--reporter json` document. */
export function jsonReport(result: CheckResult): string {
  return JSON.stringify(
    {
      passed: result.passed,
      scenarios: result.scenarios.map((s) => ({
        name: s.name,
        passed: s.passed,
        status: s.status,
        details: s.details,
        metrics: s.metrics,
      })),
    },
    null,
    2,
  );
}
