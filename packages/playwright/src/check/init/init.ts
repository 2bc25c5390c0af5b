import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { type Browser, chromium, type Page } from '@playwright/test';
import { chromiumLaunchOptions } from '../../browser.js';
import { networkQuiet } from '../steps/page-steps.js';
import { analyse } from './analyse.js';
import { InitError } from './errors.js';
import { explore } from './explore.js';
import { findLogin } from './find-login.js';
import { waitForPerson } from './person.js';
import { type Recorder, startRecorder } from './recorder.js';
import { signInWith } from './sign-in.js';
import type { Findings } from './types.js';
import { sameSite } from './url-glob.js';
import { watch } from './watch.js';
import { renderConfig } from './write-config.js';

export interface InitOptions {
  /** Where the app runs. */
  url: string;
  /** The user to sign in as (written into the config). */
  user: string;
  /** Their password (never written: the config reads EXPIRYPROOF_PASSWORD). */
  password: string;
  /** The file to write, relative to `cwd`. Default `expiryproof.config.ts`. */
  out?: string | undefined;
  cwd?: string | undefined;
  /** Show the browser and record one save the person makes. */
  headed?: boolean | undefined;
  /** Overwrite `out` when it exists. */
  force?: boolean | undefined;
  /**
   * What the person does while init records, instead of waiting for them (for tests and scripts): it records
   * whenever this is given, headed or not, and accepts any dialog itself.
   */
  interact?: ((page: Page) => Promise<void>) | undefined;
  /** Progress lines (default: none). */
  log?: ((line: string) => void) | undefined;
}

export interface InitResult {
  /** The absolute path written. */
  file: string;
  /** What was written. */
  source: string;
  findings: Findings;
}

export const DEFAULT_OUT = 'expiryproof.config.ts';
const EXTENSIONS = /\.(ts|mts|js|mjs)$/;

/**
 * `expiryproof init`: opens the app, finds its login form, signs in, watches the traffic while it opens the
 * pages the app links to (and, with `headed`, while the person saves something once), and writes a starter
 * config. Throws an InitError for anything the person must fix; writes nothing then.
 */
export async function init(options: InitOptions): Promise<InitResult> {
  const log = options.log ?? (() => {});
  const baseURL = checkUrl(options.url);
  const origin = new URL(baseURL).origin;
  const file = resolve(options.cwd ?? process.cwd(), options.out ?? DEFAULT_OUT);
  if (!EXTENSIONS.test(file))
    throw new InitError(`--out must end in .ts, .mts, .js or .mjs (got ${basename(file)})`);
  // Checked first, so nobody waits for a browser to learn that the file is in the way.
  if (existsSync(file) && !options.force)
    throw new InitError(`${file} already exists; pass --force to overwrite it`);
  if (!options.user) throw new InitError('--user is required: the user to sign in as');
  if (!options.password) throw new InitError('--password is required (or set EXPIRYPROOF_PASSWORD)');

  const browser = await launch(options.headed ?? false);
  let findings: Findings;
  try {
    findings = await observe(browser, baseURL, origin, options, log);
  } finally {
    await browser.close().catch(() => {});
  }
  const source = renderConfig(findings, basename(file));
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, source, { flag: options.force ? 'w' : 'wx' });
  return { file, source, findings };
}

async function observe(
  browser: Browser,
  baseURL: string,
  origin: string,
  options: InitOptions,
  log: (line: string) => void,
): Promise<Findings> {
  const context = await browser.newContext({ baseURL });
  context.setDefaultTimeout(10_000);
  const watcher = watch(context, { password: options.password, ownScript: (url) => sameSite(url, origin) });
  const recording = options.headed || options.interact !== undefined;
  const recorder: Recorder | undefined = recording
    ? await startRecorder(context, options.interact !== undefined)
    : undefined;
  const page = await context.newPage();

  log(`Looking for the login form on ${baseURL} …`);
  const form = await findLogin(page, baseURL);
  log(`Login form on ${form.path}; signing in as ${options.user} …`);
  const submittedAt = Date.now();
  await signInWith(page, baseURL, form, options.user, options.password);
  const landedAt = Date.now();
  const notes: string[] = [];
  const visits = await explore(page, { origin, loginPath: form.path, from: submittedAt, notes });
  log(`Signed in; opened ${visits.map((v) => v.path).join(', ')}`);

  let since = 0;
  if (recorder) {
    // The person starts where sign-in landed, not on whichever page exploring ended.
    await page.goto(visits[0]!.path).catch(() => {});
    await networkQuiet(page, 300, 5_000);
    since = Date.now();
    if (options.interact) await options.interact(page);
    else await waitForPerson(page, browser, log);
    // The save's answer and what it shows may still be on their way.
    if (!page.isClosed()) await networkQuiet(page, 500, 5_000);
  }
  await watcher.settled();
  watcher.stop();
  return analyse({
    baseURL,
    user: options.user,
    form,
    visits,
    requests: watcher.requests,
    literals: watcher.endpointLiterals(),
    submittedAt,
    landedAt,
    recording: recorder ? { events: recorder.events, since } : undefined,
    notes,
  });
}

/** The base URL as the config writes it: an absolute http(s) URL without a trailing slash. */
function checkUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InitError(
      `--url must be an absolute http(s) URL such as http://127.0.0.1:3000 (got ${JSON.stringify(url)})`,
    );
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new InitError(`--url must be an http(s) URL (got ${parsed.protocol})`);
  return parsed.pathname === '/' ? parsed.origin : `${parsed.origin}${parsed.pathname.replace(/\/$/, '')}`;
}

async function launch(headed: boolean): Promise<Browser> {
  // Chromium's own message for this is a closed-browser error several lines before the reason.
  const display = process.platform !== 'linux' || process.env.DISPLAY || process.env.WAYLAND_DISPLAY;
  if (headed && !display)
    throw new InitError(
      '--headed needs a display, and there is none ($DISPLAY is not set): run it under xvfb-run, or without --headed',
    );
  try {
    return await chromium.launch({ ...chromiumLaunchOptions(), headless: !headed });
  } catch (error) {
    throw new InitError(`could not start Chromium: ${(error as Error).message.split('\n')[0]}`);
  }
}
