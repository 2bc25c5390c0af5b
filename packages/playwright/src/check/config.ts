import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from '@playwright/test';
import type { UrlPattern } from '../url-pattern.js';

/** How the audit signs in: by filling a form, or by a script of your own. */
export type LoginConfig =
  | {
      /** The login page, relative to baseURL. */
      path: string;
      /** Selector → value to fill, e.g. `{ 'input[name=email]': 'me@example.com' }`. */
      fields: Record<string, string>;
      /** The submit button. */
      submit: string;
      /** Where the app lands once signed in (default: anywhere but the login page). */
      done?: UrlPattern | undefined;
    }
  | { script: (page: Page) => Promise<void> };

/** What `expiryproof check` needs to know about an app. */
export interface CheckConfig {
  /** Where the app runs, e.g. `http://127.0.0.1:3000`. */
  baseURL: string;
  login: LoginConfig;
  /** The form whose input must survive: the story of the articles. */
  form: {
    path: string;
    /** The field the audit types into. */
    field: string;
    /** The save button. */
    save: string;
    /** Shown after a successful save. */
    success: string;
    /** The request the save sends. */
    saveRequest: UrlPattern;
    /** What to type. Default: a recognisable sentence. */
    text?: string | undefined;
  };
  /** Every API request that carries the token, e.g. `**\/api/**`. */
  api: UrlPattern;
  /** The refresh endpoint, e.g. `**\/auth/refresh`. */
  refresh: UrlPattern;
  /** Where a lost session sends people. Default `**\/login*`. */
  loginPage?: UrlPattern | undefined;
  /** How to answer a re-auth prompt, if the app shows one. */
  reauth?: { dialog: string; fields: Record<string, string>; submit: string } | undefined;
  /** A page that fires several API calls at once when it loads, and what marks each as loaded. */
  concurrent?: { path: string; ready: string; count: number } | undefined;
  /** A page that calls a third-party origin, and which requests go there (`token-leak`). */
  thirdParty?: { path: string; pattern: UrlPattern } | undefined;
  /** Seconds to wait for a save's outcome. Default 8. */
  outcomeTimeout?: number | undefined;
}

/** A config that cannot be used: says which field and why. */
export class CheckConfigError extends Error {
  override name = 'CheckConfigError';
}

const CANDIDATES = [
  'expiryproof.config.ts',
  'expiryproof.config.mts',
  'expiryproof.config.js',
  'expiryproof.config.mjs',
  'expiryproof.config.json',
];

/** Loads a config file (TypeScript, JavaScript or JSON); without a path, looks for expiryproof.config.* in `cwd`. */
export async function loadConfig(path: string | undefined, cwd = process.cwd()): Promise<CheckConfig> {
  const file = path
    ? resolve(cwd, path)
    : CANDIDATES.map((name) => resolve(cwd, name)).find((f) => existsSync(f));
  if (!file || !existsSync(file)) {
    throw new CheckConfigError(
      path ? `No config at ${file}` : `No ${CANDIDATES.join(', ')} in ${cwd}; pass --config`,
    );
  }
  let loaded: unknown;
  if (file.endsWith('.json')) {
    const { readFile } = await import('node:fs/promises');
    try {
      loaded = JSON.parse(await readFile(file, 'utf8'));
    } catch (error) {
      throw new CheckConfigError(`${file} is not valid JSON: ${(error as Error).message}`);
    }
  } else if (/\.[mc]?ts$/.test(file)) {
    const { tsImport } = await import('tsx/esm/api');
    loaded = await tsImport(pathToFileURL(file).href, import.meta.url);
  } else {
    loaded = await import(pathToFileURL(file).href);
  }
  const module = loaded as { default?: unknown };
  let value = module.default ?? loaded;
  // `export default` through tsx's CommonJS interop can be nested once more.
  if (value && typeof value === 'object' && 'default' in value && !('baseURL' in value))
    value = (value as { default: unknown }).default;
  return validateConfig(value, file);
}

/** Checks the shape of a config and says exactly what is missing. */
export function validateConfig(value: unknown, source = 'config'): CheckConfig {
  const config = value as Partial<CheckConfig> | null;
  const fail = (field: string, wanted: string) => {
    throw new CheckConfigError(`${source}: ${field} must be ${wanted}`);
  };
  if (!config || typeof config !== 'object') fail('the export', 'an object');
  try {
    new URL(String(config!.baseURL));
  } catch {
    fail('baseURL', 'an absolute URL such as http://127.0.0.1:3000');
  }
  const login = config!.login as Record<string, unknown> | undefined;
  if (
    !login ||
    (typeof login.script !== 'function' &&
      (typeof login.path !== 'string' ||
        typeof login.submit !== 'string' ||
        typeof login.fields !== 'object'))
  ) {
    fail('login', '{ path, fields, submit } or { script(page) }');
  }
  const form = config!.form as Record<string, unknown> | undefined;
  for (const key of ['path', 'field', 'save', 'success'] as const) {
    if (typeof form?.[key] !== 'string') fail(`form.${key}`, 'a string');
  }
  if (!form?.saveRequest) fail('form.saveRequest', 'a URL pattern such as **/api/profile/save');
  if (!config!.api) fail('api', 'a URL pattern such as **/api/**');
  if (!config!.refresh) fail('refresh', 'a URL pattern such as **/auth/refresh');
  if (config!.concurrent && !(typeof config!.concurrent.path === 'string' && config!.concurrent.count > 0)) {
    fail('concurrent', '{ path, ready, count }');
  }
  return config as CheckConfig;
}
