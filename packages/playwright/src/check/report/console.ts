import type { Discovery } from '../discover/discover.js';
import type { CheckResult, ScenarioResult } from '../run-check.js';
import { adviceFor, scenarioTitle } from './advice.js';

const SYMBOL = { passed: '✓', failed: '✗', inconclusive: '?', error: '!', skipped: '–' } as const;

/** The line printed as a scenario finishes. */
export function progressLine(result: ScenarioResult): string {
  const seconds = (result.durationMs / 1000).toFixed(1);
  return `  ${SYMBOL[result.status]} ${scenarioTitle(result).padEnd(20)} ${result.details} (${seconds} s)`;
}

/** What the audit found before the scenarios, a line each (printed before the first scenario ends). */
export function discoveryLines(discovery: Discovery): string[] {
  const lines = discovery.notes.map((note) => `  · ${note}`);
  lines.push(
    `  · expiry: ${discovery.mode}${discovery.natural && discovery.mode !== 'natural' ? ' (idle-return waits out the real lifetime)' : ''}`,
  );
  if (discovery.problem) lines.push(`  · cannot expire the session: ${discovery.problem}`);
  return lines;
}

/** The overall verdict in a sentence. */
export function verdictLine(result: CheckResult): string {
  const count = (status: ScenarioResult['status']) =>
    result.scenarios.filter((s) => s.status === status).length;
  const tally = (['passed', 'failed', 'inconclusive', 'error', 'skipped'] as const)
    .filter((s) => count(s) > 0 || s === 'passed' || s === 'failed')
    .map((s) => `${count(s)} ${s}`)
    .join(', ');
  switch (result.exitCode) {
    case 0:
      return `expiry-proof: ${tally}`;
    case 1:
      return `NOT expiry-proof: ${tally}`;
    case 2:
      return `could not audit the app: ${result.setupError ?? 'no scenario could run'} (${tally})`;
    default:
      return `not proven: nothing failed, but not every verdict is backed by evidence (${tally})`;
  }
}

/** The scorecard: what was found, one row per scenario, then the overall verdict. */
export function scorecard(result: CheckResult, title = 'expiryproof check'): string {
  const rows = result.scenarios.map((s) => [scenarioTitle(s), s.status.toUpperCase(), s.details]);
  const widths = [0, 1].map((i) => Math.max(...rows.map((r) => r[i]!.length), i ? 7 : 8));
  const line = (cells: string[]) =>
    `  ${cells[0]!.padEnd(widths[0]!)}  ${cells[1]!.padEnd(widths[1]!)}  ${cells[2]}`;
  return [
    title,
    ...(result.discovery ? discoveryLines(result.discovery) : []),
    line(['scenario', 'verdict', 'reason']),
    ...rows.flatMap((row, i) => {
      const advice = adviceFor(result.scenarios[i]!);
      return advice
        ? [line(row), `  ${' '.repeat(widths[0]!)}  ${' '.repeat(widths[1]!)}  → ${advice.text}`]
        : [line(row)];
    }),
    `  → ${verdictLine(result)}`,
  ].join('\n');
}

/** The `--reporter json` document. */
export function jsonReport(result: CheckResult): string {
  const discovery = result.discovery;
  return JSON.stringify(
    {
      passed: result.passed,
      exitCode: result.exitCode,
      setupError: result.setupError,
      credential: discovery?.credential,
      credentialSource: discovery?.source,
      expiry: discovery?.mode,
      calibration: discovery?.calibration,
      notes: discovery?.notes,
      problem: discovery?.problem,
      signIn: result.signIn,
      scenarios: result.scenarios.map((s) => ({
        name: s.name,
        journey: s.journey,
        status: s.status,
        passed: s.passed,
        details: s.details,
        metrics: s.metrics,
        evidence: s.evidence,
      })),
    },
    null,
    2,
  );
}
