import type { CredentialHint, SuccessSignal } from '../config/types.js';

/** The login form init found, as selectors a config can use. */
export interface LoginForm {
  /** The login page's path (with its query, if it had one), relative to the base URL. */
  path: string;
  /** How init got there, for the config's comment: `the base URL`, `redirected from /`, `the "Sign in" link`, … */
  via: string;
  /** The email or username field; undefined for a password-only form. */
  user: string | undefined;
  password: string;
  submit: string;
  /** The paths init looked at, in order (for the "no password field" message). */
  tried: string[];
}

/** A text input, textarea or select on a page, with the control that saves it. */
export interface FormCandidate {
  /** The input a journey would change. */
  input: string;
  /** `text`, `textarea`, `select`, … as the page says. */
  kind: string;
  /** A human name for it: its label, placeholder, aria-label, name or id. */
  label: string;
  /** The submit button or the nearest button after the input; undefined when none was found. */
  save: string | undefined;
  /** The form's `action` attribute, when it has a useful one. */
  action: string | undefined;
}

/** One page init opened after sign-in. */
export interface Visit {
  /** Its path (and query), relative to the base URL. */
  path: string;
  /** The link on the landing page that opened it in the app, when there was one. */
  click: string | undefined;
  /** From when its requests count as its own, to when the next visit began (epoch ms). */
  from: number;
  to: number;
  forms: FormCandidate[];
  /** Selector → how many elements match it, for elements that repeat (the parts of a dashboard). */
  parts: Record<string, number>;
  /** A control that signs out (a link or button saying "log out"), never clicked by init. */
  signOut: string | undefined;
}

/** A request the app made, as init saw it. Headers stay in memory only: they hold the credential. */
export interface SeenRequest {
  method: string;
  url: string;
  /** `fetch`, `xhr`, `document`, `script`, … */
  type: string;
  headers: Record<string, string>;
  /** Whether its body carried the password: the sign-in request. The body itself is not kept. */
  carriesPassword: boolean;
  status: number | undefined;
  /** Names of the cookies its response set. */
  setCookies: string[];
  /** Token-like field names in its JSON answer (`accessToken`, `data.token`); never their values. */
  tokenFields: string[];
  startedAt: number;
  endedAt: number | undefined;
}

/** What the person did in the browser with `--headed`: one save, from the input to what appeared. */
export interface RecordedJourney {
  path: string;
  before: string[];
  input: string;
  inputLabel: string;
  save: string | undefined;
  saveRequest: string;
  success: SuccessSignal | undefined;
}

/** A journey to write into the config, with what a person must still decide. */
export interface JourneyFinding {
  name: string;
  path: string;
  before: string[];
  input: string;
  save: string | undefined;
  saveRequest: string;
  /** Why saveRequest is what it is; a TODO when it is a guess. */
  saveRequestNote: string | undefined;
  success: SuccessSignal | undefined;
  /** Where the journey came from: recorded by the person, or proposed from a form on a page. */
  origin: 'recorded' | 'proposed';
}

/** A value init settled on, and whether it saw it or guessed it. */
export interface Inferred<T> {
  value: T;
  /** Seen in the traffic, or a guess that a person must confirm. */
  seen: boolean;
  /** What the comment above it says. */
  why: string;
}

/** Everything init learnt, ready to be written as a config. */
export interface Findings {
  baseURL: string;
  login: LoginForm;
  userValue: string;
  /** Where sign-in landed, as a URL pattern. */
  done: string;
  landedPath: string;
  loginPage: string;
  api: Inferred<string>;
  refresh: Inferred<string>;
  credential: { hint: CredentialHint; description: string; others: string[] } | undefined;
  journeys: JourneyFinding[];
  concurrent:
    | { path: string; count: number; ready: string | undefined; readyWhy: string; click: string | undefined }
    | undefined;
  thirdParty: { path: string; pattern: string; origins: string[] } | undefined;
  /** The sign-out control on the landing page. */
  logout: string | undefined;
  /** Things a person should know that have no option of their own. */
  notes: string[];
}
