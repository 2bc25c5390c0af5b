import type { Page } from '@playwright/test';
import type { CheckConfig } from '../config/types.js';
import { RateLimitedError, SetupError } from '../errors.js';
import { signIn } from '../steps/sign-in.js';
import { InitError } from './errors.js';
import type { LoginForm } from './types.js';

/**
 * Signs in through the form init found, with the audit's own sign-in step (so init and the audit sign in the
 * same way), and says what went wrong in init's words: a refused sign-in names the request and its status.
 */
export async function signInWith(
  page: Page,
  baseURL: string,
  form: LoginForm,
  user: string,
  password: string,
): Promise<void> {
  const fields: Record<string, string> = {};
  if (form.user) fields[form.user] = user;
  fields[form.password] = password;
  const config: CheckConfig = {
    baseURL,
    login: { path: form.path, fields, submit: form.submit },
    // Signed in once the page is anywhere but the login page itself.
    loginPage: (url) => url.pathname === form.path,
    api: '**',
    refresh: '**',
  };
  try {
    await signIn(page, config);
  } catch (error) {
    if (error instanceof RateLimitedError) {
      const wait =
        error.retryAfterMs === undefined ? '' : `; try again in ${Math.ceil(error.retryAfterMs / 1000)} s`;
      throw new InitError(`sign-in refused: ${error.message.replace(/^login: /, '')}${wait}`);
    }
    if (!(error instanceof SetupError)) throw error;
    // "login: POST /api/auth/login answered 401 Unauthorized — check login.fields (…)": the request and status.
    const refused = /^login: (\S+ \S+ answered \d+[^—]*?)\s*—/.exec(error.message);
    if (refused) throw new InitError(`sign-in refused: ${refused[1]} (wrong --user or --password?)`);
    throw new InitError(`sign-in failed on ${form.path}: ${error.message.replace(/^login(\.\w+)?:? /, '')}`);
  }
}
