import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import { InitError } from './errors.js';
import { DEFAULT_OUT, type InitResult, init } from './init.js';
import { PASSWORD_ENV } from './write-config.js';

export const INIT_USAGE = `Usage: expiryproof init --url <url> --user <user> --password <password> [options]

Opens the app in Chromium, finds its login form, signs in, watches the traffic while it opens the pages the
app links to, and writes a starter config: login, api, refresh, credential, journeys, concurrent, thirdParty.
Every guess is marked \`// TODO\` (grep -n TODO <file>). The password is never written into the file: the
config reads it from ${PASSWORD_ENV}.

Options:
  --url <url>          where the app runs, e.g. http://127.0.0.1:3000
  --user <user>        the email or username to sign in with
  --password <pass>    the password (default: $${PASSWORD_ENV})
  --out <file>         the config to write (default ${DEFAULT_OUT}; .ts, .mts, .js or .mjs)
  --headed             show the browser and record one save you make in it
  --force              overwrite the file if it exists
  -h, --help           this text

Exit code: 0 written; 2 bad arguments, or the app or its login could not be reached (the message says which).`;

/** `expiryproof init …`: parses the arguments, runs init, says what it wrote. Resolves to the exit code. */
export async function initCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      url: { type: 'string' },
      user: { type: 'string' },
      password: { type: 'string' },
      out: { type: 'string', default: DEFAULT_OUT },
      headed: { type: 'boolean', default: false },
      force: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(INIT_USAGE);
    return 0;
  }
  if (positionals.length !== 1)
    throw new InitError(`unexpected ${positionals.slice(1).join(' ')}\n\n${INIT_USAGE}`);
  const missing = (['url', 'user'] as const).filter((name) => !values[name]);
  const password = values.password ?? process.env[PASSWORD_ENV];
  if (missing.length || !password)
    throw new InitError(
      `missing ${[...missing.map((name) => `--${name}`), ...(password ? [] : ['--password'])].join(', ')}\n\n${INIT_USAGE}`,
    );
  const result = await init({
    url: values.url!,
    user: values.user!,
    password,
    out: values.out,
    headed: values.headed,
    force: values.force,
    log: (line) => console.log(line),
  });
  console.log(summary(result).join('\n'));
  return 0;
}

/** What was written, the TODOs left, and the next command to run. */
function summary({ file, source, findings: f }: InitResult): string[] {
  const shown = relative(process.cwd(), file) || file;
  const todos = source.split('\n').filter((line) => line.includes('TODO(')).length;
  const lines = [
    '',
    `Wrote ${shown}:`,
    `  login       ${f.login.path} → ${f.landedPath} (${[f.login.user, f.login.password, f.login.submit].filter(Boolean).join(', ')})`,
    `  api         ${f.api.value}${f.api.seen ? '' : '  (TODO: a guess)'}`,
    `  refresh     ${f.refresh.value}${f.refresh.seen ? '  (seen)' : '  (TODO: a guess, not seen)'}`,
    `  credential  ${f.credential?.description ?? 'none found (TODO)'}`,
    `  journeys    ${f.journeys.length ? f.journeys.map((j) => `${j.name}${j.origin === 'recorded' ? ' (recorded)' : ''}`).join('; ') : 'none (TODO)'}`,
    `  concurrent  ${f.concurrent ? `${f.concurrent.path}, ${f.concurrent.count} calls at once` : 'none found'}`,
    `  thirdParty  ${f.thirdParty ? `${f.thirdParty.path} → ${f.thirdParty.pattern}` : 'none seen'}`,
    '',
    todos
      ? `${todos} TODO${todos === 1 ? '' : 's'} to settle: grep -n TODO ${shown}`
      : 'Nothing left to settle.',
    `Then: ${PASSWORD_ENV}='…' npx expiryproof check --config ${shown}`,
  ];
  return lines;
}
