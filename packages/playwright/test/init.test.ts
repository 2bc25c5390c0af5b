/**
 * `expiryproof init` on zoo apps of different shapes: the config it writes loads and validates as written,
 * and what it found — the login form, the API, the refresh call, the credential, a journey, the concurrent
 * page, the third party — is what the app really does. The password never reaches the file.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InitError } from '../src/check/init/errors.js';
import { init } from '../src/check/init/init.js';
import { loadWithPassword, scratchDir, withZoo } from './init-zoo.js';
import { ZOO_USER } from './zoo/types.js';

const scratch: Array<{ remove(): void }> = [];
afterEach(() => {
  for (const s of scratch.splice(0)) s.remove();
});
function outFile(name = 'expiryproof.config.ts') {
  const s = scratchDir();
  scratch.push(s);
  return join(s.dir, name);
}
/** init's options for a zoo app, signing in as the zoo user, writing `out`. */
const asZooUser = (zoo: { origin: string }, out: string) => ({
  url: zoo.origin,
  user: ZOO_USER.email,
  password: ZOO_USER.password,
  out,
});

const SHAPES = [
  { app: 'bearer-ls/correct', credential: { header: 'authorization' }, refreshSeen: false },
  { app: 'cookies+csrf/correct', credential: { cookie: 'access_token' }, refreshSeen: false },
  { app: 'x-access-token/correct', credential: { header: 'x-access-token' }, refreshSeen: false },
  // Every page load resumes the session by refreshing: init sees the refresh answer with a token.
  { app: 'memory+refresh-cookie/correct', credential: { header: 'authorization' }, refreshSeen: true },
] as const;

describe('expiryproof init on zoo apps', () => {
  for (const shape of SHAPES) {
    it(`${shape.app}: finds the login, API, refresh, credential, a journey, concurrent and third party`, async () => {
      await withZoo(shape.app, async (zoo, third) => {
        const out = outFile();
        const result = await init(asZooUser(zoo, out));
        const source = readFileSync(out, 'utf8');
        expect(result.source).toBe(source);
        expect(source).not.toContain(ZOO_USER.password);
        expect(source).toContain("import { defineConfig } from '@expiryproof/playwright/check';");
        expect(source).toContain('process.env.EXPIRYPROOF_PASSWORD');

        const config = await loadWithPassword(out, ZOO_USER.password);
        expect(config).toMatchObject({
          baseURL: zoo.origin,
          login: {
            path: '/login',
            fields: { 'input[name=email]': ZOO_USER.email, 'input[name=password]': ZOO_USER.password },
            submit: 'button[type=submit]',
            done: '**/notes',
          },
          loginPage: '**/login*',
          api: '**/api/**',
          refresh: '**/api/auth/refresh',
          credential: shape.credential,
          journeys: [
            {
              path: '/notes',
              input: '#note',
              save: '#save',
              saveRequest: '**/api/notes',
              success: 'network',
            },
          ],
          concurrent: {
            path: '/dashboard',
            ready: '[data-panel].loaded',
            count: 5,
            click: 'nav a[href="/dashboard"]',
          },
          thirdParty: { path: '/dashboard', pattern: `${third.origin}/**` },
        });
        expect(result.findings.refresh.seen).toBe(shape.refreshSeen);
        // A guess is a TODO a person can grep, with the value it guessed on the next line.
        expect(source.includes('TODO(refresh)')).toBe(!shape.refreshSeen);
        expect(source).toMatch(/\/\/ TODO\(saveRequest\): a guess from the page: it loaded \/api\/notes/);
        expect(source).toMatch(/\/\/ TODO\(ready\):/);
        const todos = source.split('\n').filter((l) => l.includes('TODO('));
        expect(todos.length).toBeGreaterThanOrEqual(3);
        for (const line of todos) expect(line).toMatch(/^\s*\/\/ TODO\(\w+\): /);
      });
    }, 90_000);
  }

  it('records the journey a person clicks through: the input, the button, the request, what appeared', async () => {
    await withZoo('bearer-ls/correct', async (zoo) => {
      const out = outFile();
      const result = await init({
        ...asZooUser(zoo, out),
        interact: async (page) => {
          await page.fill('#note', 'a note typed by a person');
          await page.click('#save');
          await page.locator('.saved').waitFor();
        },
      });
      const config = await loadWithPassword(out, ZOO_USER.password);
      expect(config.journeys?.[0]).toEqual({
        name: 'Write a note on /notes',
        path: '/notes',
        input: '#note',
        save: '#save',
        saveRequest: '**/api/notes',
        success: '.saved',
      });
      // The same form is not proposed again, and what was typed is never written.
      expect(config.journeys).toHaveLength(1);
      expect(result.source).not.toContain('a note typed by a person');
      expect(result.source).toContain('recorded: changed #note, clicked #save, POST /api/notes → 201');
      expect(result.source).not.toMatch(/TODO\((saveRequest|success)\)/);
    });
  }, 90_000);
});

describe('expiryproof init says what failed', () => {
  it('an app that does not answer', async () => {
    // A port that was free a moment ago: nothing listens there.
    const server = createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const attempt = init({ url: `http://127.0.0.1:${port}`, user: 'a', password: 'b', out: outFile() });
    await expect(attempt).rejects.toThrow(InitError);
    await expect(attempt).rejects.toThrow(
      new RegExp(`^URL unreachable: could not open http://127.0.0.1:${port} \\(net::ERR_CONNECTION_REFUSED`),
    );
  }, 60_000);

  it('no password field on any page tried', async () => {
    await withZoo('bearer-ls/correct', async (_zoo, third) => {
      const attempt = init({ url: third.origin, user: 'a', password: 'b', out: outFile() });
      await expect(attempt).rejects.toThrow(
        'no password field found on the pages tried: /, /login, /signin, /sign-in, /auth/login',
      );
    });
  }, 60_000);

  it('a refused sign-in names the request and its status, never the password', async () => {
    await withZoo('bearer-ls/correct', async (zoo) => {
      const out = outFile();
      const error = await init({ ...asZooUser(zoo, out), password: 'not-the-password' }).catch(
        (e: unknown) => e as Error,
      );
      expect(error).toBeInstanceOf(InitError);
      expect((error as Error).message).toBe(
        'sign-in refused: POST /api/auth/login answered 401 Unauthorized (wrong --user or --password?)',
      );
      expect(() => readFileSync(out)).toThrow(/ENOENT/);
    });
  }, 60_000);

  it('an existing file is kept unless --force, before any browser starts', async () => {
    const out = outFile();
    writeFileSync(out, '// mine\n');
    const began = Date.now();
    await expect(init({ url: 'http://127.0.0.1:1', user: 'a', password: 'b', out })).rejects.toThrow(
      /already exists; pass --force to overwrite it$/,
    );
    expect(Date.now() - began).toBeLessThan(1_000);
    expect(readFileSync(out, 'utf8')).toBe('// mine\n');
  });

  it('bad arguments', async () => {
    await expect(init({ url: 'localhost:3000', user: 'a', password: 'b', out: outFile() })).rejects.toThrow(
      /--url must be an (absolute )?http\(s\) URL/,
    );
    await expect(
      init({ url: 'http://x', user: 'a', password: 'b', out: outFile('config.json') }),
    ).rejects.toThrow('--out must end in .ts, .mts, .js or .mjs (got config.json)');
  });
});
