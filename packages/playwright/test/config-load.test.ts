import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CheckConfigError } from '../src/check/config/errors.js';
import { loadConfig } from '../src/check/config/load.js';

// Outside the repository, as a user's project is: nothing there resolves tsx by accident.
const dir = mkdtempSync(join(tmpdir(), 'expiryproof-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CONFIG = {
  baseURL: 'http://127.0.0.1:3000',
  login: { path: '/login', fields: { '#email': 'a@example.com' }, submit: 'button' },
  api: '**/api/**',
  refresh: '**/auth/refresh',
};
const write = (name: string, text: string) => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};
/** A machine without tsx and without Node's type stripping. */
const noTypeScript = {
  findTypeScriptImporter: async () => {
    throw new Error('a JSON or JavaScript config must not look for a TypeScript loader');
  },
};

describe('loading expiryproof.config.* without a TypeScript loader installed', () => {
  it('a JSON config loads', async () => {
    const file = write('expiryproof.config.json', JSON.stringify(CONFIG));
    await expect(loadConfig(file, noTypeScript)).resolves.toMatchObject({ baseURL: CONFIG.baseURL });
  });

  it('an ES module config loads, found by name in cwd', async () => {
    write('expiryproof.config.mjs', `export default ${JSON.stringify(CONFIG)};`);
    await expect(loadConfig(undefined, { ...noTypeScript, cwd: dir })).resolves.toMatchObject({
      refresh: CONFIG.refresh,
    });
  });

  it('a TypeScript config is a clear CheckConfigError that names the three ways out', async () => {
    const file = write('expiryproof.config.ts', `export default ${JSON.stringify(CONFIG)} as const;`);
    const error = await loadConfig(file, { findTypeScriptImporter: async () => undefined }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CheckConfigError);
    expect((error as Error).message).toContain(file);
    expect((error as Error).message).toMatch(/npm i -D tsx/);
    expect((error as Error).message).toMatch(/Node 22\.18/);
    expect((error as Error).message).toMatch(/\.mjs or \.json/);
  });

  it('a TypeScript config loads through tsx where it is installed (here: the repository has it)', async () => {
    const file = write(
      'typed.config.ts',
      `const c: { baseURL: string } & Record<string, unknown> = ${JSON.stringify(CONFIG)};\nexport default c;`,
    );
    await expect(loadConfig(file)).resolves.toMatchObject({ api: CONFIG.api });
  });
});
