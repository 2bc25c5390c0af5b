import type { Page } from '@playwright/test';
import type { UrlPattern } from '../../url-pattern.js';

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
  | {
      /** Signs in on `page` however the app needs; resolves once signed in. */
      script: (page: Page) => Promise<void>;
    };

/** The form whose input must survive: the story of the articles. */
export interface FormConfig {
  /** The page with the form, relative to baseURL. */
  path: string;
  /** The field the audit types into. */
  field: string;
  /** The save button. */
  save: string;
  /** Shown after a successful save. */
  success: string;
  /**
   * The request the save sends: a URL pattern, counted only for methods that can write (not GET, HEAD,
   * OPTIONS), since apps list and save on the same URL. Name the method to pin it: `'PUT **\/api/profile'`,
   * or `'GET **\/api/save*'` for an app that saves with a GET.
   */
  saveRequest: UrlPattern;
  /** What to type (a unique suffix is added per run). Default: a recognisable sentence. */
  text?: string | undefined;
}

/**
 * How a journey's success shows: a selector that appears; a dialog (`window.alert` or `confirm`) whose text
 * contains the string (`true`: any dialog) — the audit accepts it; a text that appears anywhere (a toast);
 * or `'network'`: only the save request answered 2xx after the fault.
 */
export type SuccessSignal =
  | string
  | { selector: string }
  | { dialog: string | true }
  | { text: string }
  | 'network';

/**
 * One thing a person does that must survive an expired session: open a page, maybe click through to a form
 * or dialog, change an input, save.
 */
export interface JourneyConfig {
  /** A short name for the report, e.g. `new task`. */
  name: string;
  /** The page the journey starts on, relative to baseURL. */
  path: string;
  /** What a person does before the input: selectors to click in order, or a script. */
  before?: string[] | ((page: Page) => Promise<void>) | undefined;
  /**
   * The input: a text field, a textarea, a `<select>` (another option is picked), a checkbox (toggled) or a
   * contenteditable element. Its kind is read from the page.
   */
  input: string;
  /** The control that saves. Omit it when changing the input saves by itself (a select that saves on change). */
  save?: string | undefined;
  /**
   * The request the save sends: a URL pattern, counted only for methods that can write (not GET, HEAD,
   * OPTIONS), since apps list and save on the same URL. Name the method to pin it: `'PUT **\/api/profile'`,
   * or `'GET **\/api/save*'` for an app that saves with a GET.
   */
  saveRequest: UrlPattern;
  /** How success shows (default `'network'`). */
  success?: SuccessSignal | undefined;
  /** What to type into a text input (a unique suffix is added per run). */
  text?: string | undefined;
}

/**
 * What carries the session on API requests. Found by watching the traffic after sign-in; name it when
 * the audit guesses wrong.
 */
export type CredentialHint =
  | { /** A request header, e.g. `authorization` or `x-access-token`. */ header: string }
  | { /** A cookie sent to the API, e.g. `access_token`. */ cookie: string }
  | { /** A query parameter on API URLs, e.g. `access_token`. */ query: string };

/**
 * How the audit expires the credential.
 * - `stale` (default): keep the header or cookie, make its value one the server rejects as it rejects an
 *   expired one (a JWT with `exp` in the past and a signature that no longer verifies; an opaque value
 *   changed in place, same shape).
 * - `strip`: remove the header or cookie (the articles' test; some servers answer a missing credential
 *   differently from an expired one).
 * - `natural`: wait out the credential's real lifetime (a JWT's `exp`, or `after`) — for an app started
 *   with a short token lifetime. Nothing is rewritten.
 */
export interface ExpiryConfig {
  mode?: 'stale' | 'strip' | 'natural' | undefined;
  /** The access token's real lifetime, for `natural`: `'3s'`, `'1500ms'`, or milliseconds. Default: from a JWT's `exp`. */
  after?: string | number | undefined;
}

/** A page that fires several API calls at once as it opens (`concurrent-expiry`). */
export interface ConcurrentConfig {
  /** The page, relative to baseURL. */
  path: string;
  /** What each loaded part matches, e.g. `[data-panel].loaded`. */
  ready: string;
  /** How many parts load. */
  count: number;
  /**
   * A link or button, on the page sign-in lands on, that opens `path` in the app (in-app navigation). Without
   * it the page is loaded by URL — which makes an app that keeps its token in memory start afresh (a
   * reload renews the session), so its concurrent calls never present the expired credential.
   */
  click?: string | undefined;
}

/** Several tabs of one browser on the app (`tabs`, `logout-everywhere`). */
export interface TabsConfig {
  /** The page each tab shows, relative to baseURL. Default: where sign-in lands. */
  path?: string | undefined;
  /** What makes a tab call the API, clicked in every tab at once. Default: reloading every tab at once. */
  click?: string | undefined;
  /** How many tabs (2 to 8). Default 3. */
  count?: number | undefined;
}

/** What `expiryproof check` needs to know about an app. */
export interface CheckConfig {
  /** Where the app runs, e.g. `http://127.0.0.1:3000`. */
  baseURL: string;
  login: LoginConfig;
  /** The form whose input must survive (a journey named `form`, whose success is a selector). */
  form?: FormConfig | undefined;
  /**
   * What people do that must survive an expiry; the save scenarios run once for each. With neither `form`
   * nor `journeys`, the scenarios that need no input still run.
   */
  journeys?: JourneyConfig[] | undefined;
  /** A control that signs out (for `logout-everywhere`), on the tabs' page. */
  logout?: string | undefined;
  /** How the tab scenarios open and use several tabs (default: 3 tabs, reloaded at once). */
  tabs?: TabsConfig | undefined;
  /** Every API request that carries the credential, e.g. `**\/api/**`. */
  api: UrlPattern;
  /** The refresh endpoint, e.g. `**\/auth/refresh`. */
  refresh: UrlPattern;
  /** Where a lost session sends people. Default `**\/login*`. */
  loginPage?: UrlPattern | undefined;
  /** What carries the session (default: discovered after sign-in). */
  credential?: CredentialHint | undefined;
  /** How the credential is expired (default: `{ mode: 'stale' }`). */
  expiry?: ExpiryConfig | undefined;
  /** How to answer a re-auth prompt, if the app shows one. */
  reauth?: { dialog: string; fields: Record<string, string>; submit: string } | undefined;
  /** A page that fires several API calls at once when it loads, and what marks each as loaded. */
  concurrent?: ConcurrentConfig | undefined;
  /** A page that calls a third-party origin, and which requests go there (`token-leak`). */
  thirdParty?: { path: string; pattern: UrlPattern } | undefined;
  /** Seconds to wait for a save's outcome. Default 8. */
  outcomeTimeout?: number | undefined;
  /** Seconds one scenario may take, cleanup included, before it is abandoned as an error. Default 60. */
  scenarioTimeout?: number | undefined;
}
