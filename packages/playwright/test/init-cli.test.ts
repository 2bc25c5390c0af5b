/**
 * The command as a person runs it (the bin loads the built dist: `npm run build -w @expiryproof/playwright`
 * first): `init` writes a config that typechecks against the package, refuses to overwrite it, and exits 2
 * on bad arguments; `check --reporter junit` prints JUnit XML, and GitHub annotations under GitHub Actions.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { PROMPT } from '../src/check/init/person.js';
import { scratchDir, withZoo } from './init-zoo.js';
import { CLI as cli, runNode } from './run-cli.js';
import { ZOO_USER } from './zoo/types.js';

const tsc = fileURLToPath(new URL('../../../node_modules/typescript/bin/tsc', import.meta.url));

/** `node ...args`, outside GitHub Actions unless `options.env` says otherwise. */
function run(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  return runNode(args, { cwd: options.cwd, env: { ...process.env, GITHUB_ACTIONS: '', ...options.env } });
}

/** `expiryproof init` on a zoo app, as the zoo user. */
const initArgs = (zoo: { origin: string }) => [
  cli,
  'init',
  '--url',
  zoo.origin,
  '--user',
  ZOO_USER.email,
  '--password',
  ZOO_USER.password,
];

describe('expiryproof init, the command', () => {
  const scratch = scratchDir();
  afterAll(() => scratch.remove());

  it('writes a config that typechecks against the package, then refuses to overwrite it', async () => {
    await withZoo('cookies+csrf/correct', async (zoo) => {
      const args = initArgs(zoo);
      const first = await run(args, { cwd: scratch.dir });
      expect(first.stderr).toBe('');
      expect(first.code).toBe(0);
      expect(first.stdout).toContain('Wrote expiryproof.config.ts:');
      expect(first.stdout).toContain('credential  the access_token cookie');
      expect(first.stdout).toMatch(/\d+ TODOs to settle: grep -n TODO expiryproof\.config\.ts/);
      const file = join(scratch.dir, 'expiryproof.config.ts');
      const written = readFileSync(file, 'utf8');
      expect(written).not.toContain(ZOO_USER.password);

      const again = await run(args, { cwd: scratch.dir });
      expect(again.code).toBe(2);
      expect(again.stderr).toBe(`expiryproof: ${file} already exists; pass --force to overwrite it\n`);
      expect(readFileSync(file, 'utf8')).toBe(written);
    });
    // As strict as this repository: the file typechecks as written (defineConfig, process.env, every TODO value).
    writeFileSync(
      join(scratch.dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          exactOptionalPropertyTypes: true,
          noEmit: true,
          skipLibCheck: true,
          types: ['node'],
        },
        files: ['expiryproof.config.ts'],
      }),
    );
    const typecheck = await run([tsc, '-p', join(scratch.dir, 'tsconfig.json')]);
    expect(typecheck.stdout + typecheck.stderr).toBe('');
    expect(typecheck.code).toBe(0);
  }, 180_000);

  // A headed browser needs a display: the machine's, or a virtual one from xvfb-run.
  const xvfb = existsSync('/usr/bin/xvfb-run') ? '/usr/bin/xvfb-run' : undefined;
  it.skipIf(!process.env.DISPLAY && !xvfb)(
    '--headed asks the person to save once; Enter ends it',
    async () => {
      await withZoo('bearer-ls/correct', async (zoo) => {
        const command = [...initArgs(zoo), '--out', 'headed.config.ts', '--headed'];
        const child = process.env.DISPLAY
          ? spawn(process.execPath, command, { cwd: scratch.dir })
          : spawn(xvfb!, ['-a', process.execPath, ...command], { cwd: scratch.dir });
        let stdout = '';
        child.stdout.on('data', (chunk) => {
          stdout += chunk;
          // The person saves nothing and presses Enter: init still writes what it found, and says so.
          if (stdout.includes(PROMPT)) child.stdin.write('\n');
        });
        const [code] = await once(child, 'exit');
        expect(stdout).toContain(`${PROMPT}\n`);
        expect(code).toBe(0);
        const written = readFileSync(join(scratch.dir, 'headed.config.ts'), 'utf8');
        expect(written).toContain(
          '// - nothing was recorded: no field was changed before a request that is not a GET',
        );
      });
    },
    90_000,
  );

  it('bad arguments exit 2 with the usage', async () => {
    const missing = await run([cli, 'init', '--user', 'me@example.com'], {
      env: { EXPIRYPROOF_PASSWORD: '' },
    });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^expiryproof: missing --url, --password\n\nUsage: expiryproof init/);
    const unknown = await run([cli, 'init', '--url', 'http://127.0.0.1:1', '--colour']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^expiryproof: Unknown option '--colour'/);
    const help = await run([cli, 'init', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: expiryproof init --url <url> --user <user> --password <password>/);
  }, 30_000);
});

describe('expiryproof check --reporter junit', () => {
  const scratch = scratchDir();
  afterAll(() => scratch.remove());

  it('prints JUnit XML, and annotations when GITHUB_ACTIONS is true', async () => {
    const config = join(scratch.dir, 'expiryproof.config.json');
    writeFileSync(
      config,
      JSON.stringify({
        baseURL: 'http://127.0.0.1:1',
        login: { path: '/login', fields: { '#user': 'me' }, submit: 'button' },
        api: '**/api/**',
        refresh: '**/auth/refresh',
        thirdParty: { path: '/', pattern: 'https://status.example.com/**' },
      }),
    );
    // Nothing listens there: the scenario errors at sign-in, a setup error for both reporters to show.
    const args = [cli, 'check', '--config', config, '--scenario', 'token-leak', '--reporter', 'junit'];
    const { code, stdout, stderr } = await run(args, { env: { GITHUB_ACTIONS: 'true' } });
    expect(code).toBe(2);
    // stdout is the XML alone, so `> expiryproof.xml` stays valid; the workflow commands go to stderr.
    expect(stdout).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites /);
    expect(stdout.trimEnd()).toMatch(/<\/testsuites>$/);
    expect(stdout).toMatch(/<error message="login\.path: could not open \/login/);
    expect(stderr).toMatch(
      /^::error title=expiryproof check could not run::login\.path: could not open \/login/m,
    );

    const quiet = await run(args);
    expect(quiet.stdout + quiet.stderr).not.toMatch(/^::/m);

    // With the table, after it on stdout.
    const table = await run([...args.slice(0, -1), 'table'], { env: { GITHUB_ACTIONS: 'true' } });
    expect(table.stdout).toMatch(/\n::error title=expiryproof check could not run::/);

    const wrong = await run([cli, 'check', '--config', config, '--reporter', 'xml']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toBe('expiryproof: --reporter must be table, json or junit\n');
  }, 90_000);
});
