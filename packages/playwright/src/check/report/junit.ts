import type { Discovery } from '../discover/discover.js';
import type { CheckResult } from '../run-check.js';
import { adviceFor, type ReportedScenario, scenarioTitle } from './advice.js';

/**
 * XML 1.0's `Char`: tab, LF, CR and everything from space up, but lone surrogates and U+FFFE/U+FFFF. Other
 * characters (C0 controls from a page's text, say) cannot be escaped into legality, and one of them would make
 * the whole file unparseable for CI: they are dropped.
 */
const xmlChar = (cp: number) =>
  cp === 0x9 ||
  cp === 0xa ||
  cp === 0xd ||
  (cp >= 0x20 && cp <= 0xd7ff) ||
  (cp >= 0xe000 && cp <= 0xfffd) ||
  cp >= 0x10000;

/** Iterates by code point, so a surrogate pair stays and a lone surrogate (not `Char`) goes. */
function clean(text: string): string {
  let kept = '';
  for (const c of text) if (xmlChar(c.codePointAt(0)!)) kept += c;
  return kept;
}

const TEXT_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };
/** In attributes also quotes, and whitespace as references: a parser would turn raw newlines into spaces. */
const ATTRIBUTE_ENTITIES: Record<string, string> = {
  ...TEXT_ENTITIES,
  '"': '&quot;',
  "'": '&apos;',
  '\n': '&#10;',
  '\r': '&#13;',
  '\t': '&#9;',
};

/** Element content; `>` too, so that `]]>` can never appear. */
export const xmlText = (text: string) => clean(text).replace(/[&<>]/g, (c) => TEXT_ENTITIES[c]!);
export const xmlAttribute = (text: string) =>
  clean(text).replace(/[&<>"'\n\r\t]/g, (c) => ATTRIBUTE_ENTITIES[c]!);

const attributes = (values: Record<string, string | number>) =>
  Object.entries(values)
    .map(([name, value]) => ` ${name}="${xmlAttribute(String(value))}"`)
    .join('');

const seconds = (ms: number) => (Math.max(0, ms) / 1000).toFixed(3);

/** `skipped: no form` rather than `skipped: skipped: no form` (unrun scenarios already say it). */
const without = (prefix: string, text: string) =>
  text.startsWith(prefix) ? text.slice(prefix.length) : text;

/** The failure's body: the reason, the counts and requests it rests on, and what to do. */
function failureBody(result: ReportedScenario): string {
  const advice = adviceFor(result);
  const metrics = Object.entries(result.metrics).map(([k, v]) => `${k}: ${v}`);
  return [
    result.details,
    result.summary,
    ...(metrics.length ? [`metrics: ${metrics.join(', ')}`] : []),
    ...(result.evidence.length ? ['evidence (requests after the fault was armed):'] : []),
    ...result.evidence.map((line) => `  ${line}`),
    ...(advice ? [`what to do: ${advice.text}${advice.link ? ` (${advice.link})` : ''}`] : []),
  ].join('\n');
}

/** What a test case holds besides its name: nothing for a pass, else the element its status maps to. */
function outcome(result: ReportedScenario): string {
  switch (result.status) {
    case 'passed':
      return '';
    case 'failed':
      return `<failure${attributes({ message: result.details, type: 'failed' })}>${xmlText(failureBody(result))}</failure>`;
    case 'error':
      return `<error${attributes({ message: result.details, type: 'error' })}>${xmlText(result.summary)}</error>`;
    case 'inconclusive':
      return `<skipped${attributes({ message: `inconclusive: ${without('inconclusive: ', result.details)}` })}/>`;
    case 'skipped':
      return `<skipped${attributes({ message: `skipped: ${without('skipped: ', result.details)}` })}/>`;
  }
}

function testcase(result: ReportedScenario): string {
  const head = `<testcase${attributes({ name: scenarioTitle(result), classname: 'expiryproof', time: seconds(result.durationMs) })}`;
  const body = outcome(result);
  return body ? `${head}>\n      ${body}\n    </testcase>` : `${head}/>`;
}

/**
 * What the audit found, as properties: the credential's kind and name, never its value (the discovery holds
 * none), and the calibration's statuses, not the answers' bodies.
 */
function discoveryProperties(discovery: Discovery | undefined): [string, string][] {
  if (!discovery) return [];
  const { credential, calibration } = discovery;
  const found: [string, string][] = [
    ['credential.source', discovery.source],
    ...(credential ? ([['credential', `${credential.kind} ${credential.name}`]] as [string, string][]) : []),
    ['expiry.mode', discovery.mode],
    ['rejects', discovery.rejects.join(',')],
  ];
  if (calibration) {
    found.push(
      ['calibration.sample', calibration.sample],
      ['calibration.valid', String(calibration.valid.status)],
      ['calibration.stale', String(calibration.stale.status)],
      ['calibration.missing', String(calibration.missing.status)],
    );
    if (calibration.natural) found.push(['calibration.natural', String(calibration.natural.status)]);
    if (calibration.warning) found.push(['calibration.warning', calibration.warning]);
  }
  if (discovery.problem) found.push(['problem', discovery.problem]);
  return found;
}

function properties(result: CheckResult): string {
  const all: [string, string][] = [
    ...discoveryProperties(result.discovery),
    ...(result.setupError ? ([['setupError', result.setupError]] as [string, string][]) : []),
    ['signIn', result.signIn],
    ['exitCode', String(result.exitCode)],
  ];
  return all.map(([name, value]) => `<property${attributes({ name, value })}/>`).join('\n      ');
}

/** A run that could not start any scenario still shows up in CI as one errored test, not as an empty pass. */
function setupCase(result: CheckResult): string {
  if (result.scenarios.length || !result.setupError) return '';
  return `<testcase${attributes({ name: 'setup', classname: 'expiryproof', time: seconds(result.durationMs) })}>\n      <error${attributes({ message: result.setupError, type: 'error' })}/>\n    </testcase>`;
}

/**
 * The audit as JUnit XML for CI test-report views: one `<testsuite>` with a `<testcase>` per scenario (per
 * journey), `failed` as `<failure>`, `error` as `<error>`, `inconclusive` and `skipped` as `<skipped>`.
 */
export function junitReport(result: CheckResult, options: { suiteName?: string } = {}): string {
  const scenarios = result.scenarios as readonly ReportedScenario[];
  const count = (status: ReportedScenario['status']) => scenarios.filter((s) => s.status === status).length;
  const extra = setupCase(result);
  const totals = {
    tests: scenarios.length + (extra ? 1 : 0),
    failures: count('failed'),
    errors: count('error') + (extra ? 1 : 0),
    skipped: count('inconclusive') + count('skipped'),
    time: seconds(result.durationMs),
  };
  const name = options.suiteName ?? 'expiryproof check';
  const cases = [...scenarios.map(testcase), ...(extra ? [extra] : [])];
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attributes({ name, ...totals })}>`,
    `  <testsuite${attributes({ name, ...totals })}>`,
    `    <properties>\n      ${properties(result)}\n    </properties>`,
    ...cases.map((c) => `    ${c}`),
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
