import type { CheckResult } from '../run-check.js';
import { adviceFor, type ReportedScenario, scenarioTitle } from './advice.js';
import { verdictLine } from './console.js';

type Level = 'error' | 'warning' | 'notice';

/**
 * A workflow command's message, escaped as @actions/core does: `%` first (so the escapes it adds stay
 * literal), then CR and LF, which would otherwise end the command.
 */
export const escapeData = (text: string) =>
  text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');

/** A property value: as a message, and `:` and `,` too, which would end the value or the property list. */
export const escapeProperty = (text: string) => escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');

/** One workflow command line, e.g. `::error title=…::message`. */
export function workflowCommand(level: Level, title: string, message: string): string {
  return `::${level} title=${escapeProperty(title)}::${escapeData(message)}`;
}

/** The annotation's text: the reason, then what to do and the requests it rests on, each on its own line. */
function failureMessage(result: ReportedScenario): string {
  const advice = adviceFor(result);
  return [
    result.details,
    ...(advice ? [`What to do: ${advice.text}${advice.link ? ` (${advice.link})` : ''}`] : []),
    ...result.evidence,
  ].join('\n');
}

function annotation(result: ReportedScenario): string | undefined {
  const title = `expiryproof: ${scenarioTitle(result)}`;
  switch (result.status) {
    case 'failed':
      return workflowCommand('error', title, failureMessage(result));
    // Not failures, but not passes either: a warning keeps them visible without failing the run twice.
    case 'inconclusive':
    case 'error':
      return workflowCommand('warning', `${title} (${result.status})`, result.details);
    default:
      return undefined;
  }
}

/**
 * The audit as GitHub Actions annotations, one line each to print to stdout: `::error` per failed scenario
 * (with what to do), `::warning` per inconclusive or errored one, `::error` once for a setup mistake that
 * stopped every scenario, and a `::notice` with the tally when everything that ran passed.
 */
export function githubAnnotations(result: CheckResult): string[] {
  const scenarios = result.scenarios as readonly ReportedScenario[];
  const lines: string[] = [];
  if (result.setupError)
    lines.push(workflowCommand('error', 'expiryproof check could not run', result.setupError));
  for (const scenario of scenarios) {
    // The setup error is already said once; repeating it per scenario would only bury it.
    if (result.setupError && scenario.status === 'error' && scenario.details === result.setupError) continue;
    const line = annotation(scenario);
    if (line) lines.push(line);
  }
  if (result.exitCode === 0) lines.push(workflowCommand('notice', 'expiryproof check', verdictLine(result)));
  return lines;
}
