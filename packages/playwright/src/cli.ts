#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { initCommand } from './check/init/command.js';
import { githubAnnotations } from './check/report/github-annotations.js';
import { junitReport } from './check/report/junit.js';
import {
  CheckConfigError,
  discoveryLines,
  jsonReport,
  loadConfig,
  progressLine,
  runCheck,
  SCENARIO_NAMES,
  type ScenarioName,
  scorecard,
  writeHtmlReport,
} from './check.js';

const USAGE = `Usage: expiryproof check [options]
       expiryproof init --url <url> --user <user> --password <password> [--out <file>] [--headed] [--force]

check runs token-expiry experiments against a web app in Chromium and reports whether it is expiry-proof.
init signs in to the app and writes a starter expiryproof.config.ts (expiryproof init --help).

Options:
  --config <file>      expiryproof.config.{ts,js,json} (default: looked up in the current directory)
  --base-url <url>     overrides the config's baseURL
  --scenario <name>    run only this scenario (repeatable): ${SCENARIO_NAMES.join(', ')}
  --reporter <kind>    table (default), json, or junit (JUnit XML on stdout, one test case per scenario)
  --report <dir>       also write an HTML report with timelines and screenshots
  --concurrency <n>    scenarios at the same time (default 3)
  --headed             show the browser
  -h, --help           this text

Exit code: 0 every scenario that ran passed; 1 at least one failed; 2 bad config or input, or the audit
could not run anything; 3 nothing failed, but a verdict was inconclusive (the fault never bit) or errored.

With GITHUB_ACTIONS=true, the verdicts are also printed as GitHub annotations (::error for a failure,
::warning for an inconclusive or errored scenario, ::notice when everything passed): on stdout after the
table, on stderr with --reporter json or junit (so the report on stdout stays parseable).`;

/** Options that take a value, of either command: what tells a flag's value from the command's name. */
const VALUE_OPTIONS = [
  'config',
  'base-url',
  'scenario',
  'reporter',
  'report',
  'concurrency',
  'url',
  'user',
  'password',
  'out',
];

/** The command named on the command line (`check`, `init`, …), wherever it stands among the flags. */
function commandOf(argv: string[]): string | undefined {
  const options = Object.fromEntries(VALUE_OPTIONS.map((name) => [name, { type: 'string' as const }]));
  return parseArgs({ args: argv, strict: false, allowPositionals: true, options }).positionals[0];
}

async function main(argv: string[]): Promise<number> {
  if (commandOf(argv) === 'init') return initCommand(argv);
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string' },
      'base-url': { type: 'string' },
      scenario: { type: 'string', multiple: true },
      reporter: { type: 'string', default: 'table' },
      report: { type: 'string' },
      concurrency: { type: 'string', default: '3' },
      headed: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals[0] !== 'check' || positionals.length > 1)
    throw new CheckConfigError(`expected the command \`check\`\n\n${USAGE}`);
  const reporter = values.reporter;
  if (reporter !== 'table' && reporter !== 'json' && reporter !== 'junit')
    throw new CheckConfigError('--reporter must be table, json or junit');
  const unknown = (values.scenario ?? []).filter((s) => !(SCENARIO_NAMES as readonly string[]).includes(s));
  if (unknown.length)
    throw new CheckConfigError(`unknown scenario ${unknown.join(', ')}; known: ${SCENARIO_NAMES.join(', ')}`);
  const concurrency = Number(values.concurrency);
  if (!(Number.isInteger(concurrency) && concurrency > 0))
    throw new CheckConfigError('--concurrency must be a whole number >= 1');

  const config = await loadConfig(values.config);
  if (values['base-url']) config.baseURL = values['base-url'];
  const table = reporter === 'table';
  if (table) console.log(`expiryproof check → ${config.baseURL}`);
  const result = await runCheck(config, {
    scenarios: values.scenario as ScenarioName[] | undefined,
    concurrency,
    headed: values.headed,
    onDiscovery: (d) => table && console.log(discoveryLines(d).join('\n')),
    onResult: (r) => table && console.log(progressLine(r)),
  });
  if (reporter === 'junit') console.log(junitReport(result));
  else console.log(table ? `\n${scorecard(result)}` : jsonReport(result));
  // In a GitHub Actions job the verdicts also show as annotations on the run's summary. The runner reads
  // workflow commands on stdout and stderr alike; after JSON or XML they go to stderr, so that the report on
  // stdout stays parseable when it is redirected to a file (`--reporter junit > expiryproof.xml`).
  if (process.env.GITHUB_ACTIONS === 'true') {
    const print = table ? console.log : console.error;
    for (const line of githubAnnotations(result)) print(line);
  }
  if (values.report) {
    const file = await writeHtmlReport(values.report, result, {
      title: 'expiryproof check',
      target: config.baseURL,
      refresh: config.refresh,
    });
    if (table) console.log(`\nHTML report: ${file}`);
  }
  return result.exitCode;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // Whatever a page or a browser left behind, the command ends soon after its verdict (unref: a clean exit is not delayed).
    setTimeout(() => process.exit(), 2_000).unref();
  },
  (error: unknown) => {
    const known =
      error instanceof CheckConfigError ||
      (error as Error).name === 'CheckConfigError' ||
      (error as Error).name === 'InitError' ||
      (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    console.error(known ? `expiryproof: ${(error as Error).message}` : error);
    process.exitCode = 2;
  },
);
