import { CheckConfigError, type ConfigProblem } from './errors.js';
import type {
  CheckConfig,
  CredentialHint,
  ExpiryConfig,
  FormConfig,
  JourneyConfig,
  LoginConfig,
  TabsConfig,
} from './types.js';

/*
 * Checks a loaded config against the contract in types.ts and reports every problem at once, so that a
 * user fixes their config in one round instead of one error per run. Nothing here throws anything but a
 * CheckConfigError: a config is user input, and a TypeError from the validator would read as our bug.
 */

/** Checks one value found at `path` and records what is wrong with it. */
type Check = (value: unknown, path: string, problems: ConfigProblem[]) => void;

/** How one value must look: `expected` is the human wording, reused when a required option is missing. */
interface Rule {
  readonly expected: string;
  readonly check: Check;
}

/** One option of an object shape. */
interface Option extends Rule {
  readonly required: boolean;
}

/** The known options of an object; any other key is reported as unknown. */
type Shape = Readonly<Record<string, Option>>;

/** Every key of every member of a union (`keyof` of a union only gives the keys they share). */
type KeysOfUnion<T> = T extends unknown ? keyof T : never;

/** Where a problem with the export itself is reported; a real option path can never look like this. */
const EXPORT_PATH = '(the export)';

const UNIT_MS = { ms: 1, s: 1000, m: 60_000 } as const;
const DURATION = /^(\d+(?:\.\d+)?|\.\d+)\s*(ms|s|m)$/;

/**
 * A duration in milliseconds: a positive number is taken as milliseconds, a string needs a unit
 * (`'1500ms'`, `'3s'`, `'2m'`). Unitless strings are refused on purpose: `'3'` could mean seconds or ms.
 * Returns undefined for anything else, including zero, so callers cannot wait forever or not at all.
 */
export function parseDuration(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value > 0 ? value : undefined;
  if (typeof value !== 'string') return undefined; // the audit may pass through whatever the config held
  const match = DURATION.exec(value.trim());
  if (!match) return undefined;
  // Rounded so '1.1s' is 1100, not 1100.0000000000002.
  const ms = Math.round(Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS]);
  return ms > 0 ? ms : undefined;
}

/** Validates a loaded config; throws one CheckConfigError listing every problem, or returns it as is. */
export function validateConfig(value: unknown, source = 'config'): CheckConfig {
  const problems: ConfigProblem[] = [];
  if (isRecord(value)) checkKeys(value, '', CONFIG_SHAPE, problems);
  else problems.push(mismatch(EXPORT_PATH, CONFIG_EXPECTED, describe(value)));
  if (problems.length > 0) throw configError(source, problems);
  return value as CheckConfig;
}

function configError(source: string, problems: ConfigProblem[]): CheckConfigError {
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  const lines = problems.map((problem) => `  - ${problem.path}: ${problem.message}`);
  return new CheckConfigError(`${source}: ${count}:\n${lines.join('\n')}`, problems);
}

// ---------------------------------------------------------------------------------------------------
// Walking object shapes
// ---------------------------------------------------------------------------------------------------

/** Checks that `value` is an object, then its keys. */
function checkObject(
  value: unknown,
  path: string,
  shape: Shape,
  expected: string,
  problems: ConfigProblem[],
) {
  if (isRecord(value)) checkKeys(value, path, shape, problems);
  else problems.push(mismatch(path, expected, describe(value)));
}

/**
 * Checks each key in the config's own order (so problems read top to bottom like the file), then the
 * known options it lacks. An option set to `undefined` counts as absent, as types.ts allows.
 */
function checkKeys(record: Record<string, unknown>, path: string, shape: Shape, problems: ConfigProblem[]) {
  const keys = new Set([...Object.keys(record), ...Object.keys(shape)]);
  for (const key of keys) {
    // hasOwn, so that a key such as `constructor` is not mistaken for a known option.
    const option = Object.hasOwn(shape, key) ? shape[key] : undefined;
    const at = joinPath(path, key);
    const value = record[key];
    if (!option) problems.push({ path: at, message: unknownOption(key, Object.keys(shape)) });
    else if (value !== undefined) option.check(value, at, problems);
    else if (option.required) problems.push({ path: at, message: `missing; expected ${option.expected}` });
  }
}

function unknownOption(key: string, known: string[]): string {
  const suggestion = closest(key, known);
  return suggestion
    ? `unknown option; did you mean "${suggestion}"?`
    : `unknown option (known options: ${known.join(', ')})`;
}

/** The known key a typo most likely meant: the same word in another case, else one within 2 edits. */
function closest(key: string, known: string[]): string | undefined {
  const sameWord = known.find((candidate) => candidate.toLowerCase() === key.toLowerCase());
  if (sameWord) return sameWord;
  let best: { key: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = levenshtein(key, candidate);
    if (distance <= 2 && (!best || distance < best.distance)) best = { key: candidate, distance };
  }
  return best?.key;
}

function levenshtein(a: string, b: string): number {
  // One row of the classic table at a time: previous[j] is the distance between a[0..i) and b[0..j).
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** `form.saveRequest` for names, `form["odd key"]` for the rest, so every path can be pasted into code. */
function joinPath(parent: string, key: string): string {
  if (!IDENTIFIER.test(key)) return `${parent}[${JSON.stringify(key)}]`;
  return parent ? `${parent}.${key}` : key;
}

// ---------------------------------------------------------------------------------------------------
// Rules for single values
// ---------------------------------------------------------------------------------------------------

function mismatch(path: string, expected: string, found: string): ConfigProblem {
  return { path, message: `expected ${expected}, got ${found}` };
}

/** A rule that is one test: on failure, one "expected …, got …" problem. */
function predicate(expected: string, test: (value: unknown) => boolean): Rule {
  return {
    expected,
    check: (value, path, problems) => {
      if (!test(value)) problems.push(mismatch(path, expected, describe(value)));
    },
  };
}

const required = (rule: Rule): Option => ({ ...rule, required: true });
const optional = (rule: Rule): Option => ({ ...rule, required: false });

const selector = (example: string) =>
  predicate(`a selector (a non-empty string such as ${JSON.stringify(example)})`, isNonEmptyString);

const pagePath = (example: string) =>
  predicate(
    `a path starting with "/" (relative to baseURL) or an absolute http(s) URL, such as ${JSON.stringify(example)}`,
    (value) => isNonEmptyString(value) && (value.startsWith('/') || isHttpUrl(value)),
  );

const urlPattern = (example: string) =>
  predicate(
    `a URL pattern (a glob string such as ${JSON.stringify(example)}, a RegExp or a function)`,
    (value) => isNonEmptyString(value) || value instanceof RegExp || typeof value === 'function',
  );

const baseURL = predicate('an absolute http(s) URL such as "http://127.0.0.1:3000"', isHttpUrl);

const positiveInteger = predicate(
  'a positive integer',
  (value) => Number.isInteger(value) && Number(value) > 0,
);

function seconds(max?: number): Rule {
  const expected = max ? `a positive number of seconds, at most ${max}` : 'a positive number of seconds';
  return {
    expected,
    check: (value, path, problems) => {
      const valid = typeof value === 'number' && Number.isFinite(value) && value > 0;
      if (!valid) problems.push(mismatch(path, expected, describe(value)));
      // The usual way past the cap is a value meant as milliseconds, so say so.
      else if (max && value > max)
        problems.push(mismatch(path, expected, `${describe(value)} (seconds, not milliseconds)`));
    },
  };
}

const expiryMode = predicate(
  'one of "stale", "strip" or "natural"',
  (value) => value === 'stale' || value === 'strip' || value === 'natural',
);

const duration = predicate(
  'a positive number of milliseconds or a duration such as "3s", "1500ms" or "2m"',
  (value) => (typeof value === 'string' || typeof value === 'number') && parseDuration(value) !== undefined,
);

const signInScript = predicate(
  'a function (page) => Promise<void> that signs in',
  (value) => typeof value === 'function',
);

/** RFC 9110 token characters: anything else cannot be sent as a header name. */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const headerName = predicate(
  'an HTTP header name such as "authorization" (letters, digits and !#$%&\'*+-.^_`|~ only)',
  (value) => typeof value === 'string' && HEADER_NAME.test(value),
);

/**
 * Selector → value to fill. The values are passwords, so problems name their type only, never the value,
 * and the same goes for the record itself: a misplaced password may be sitting where the object should be.
 */
const fieldValues: Rule = {
  expected: 'an object of selector → value',
  check: (value, path, problems) => {
    if (!isRecord(value)) {
      problems.push(mismatch(path, 'an object of selector → value', describeType(value)));
      return;
    }
    for (const [key, entry] of Object.entries(value)) {
      const at = `${path}[${JSON.stringify(key)}]`;
      if (key.trim() === '') problems.push({ path: at, message: 'expected a non-empty selector as the key' });
      if (typeof entry !== 'string') problems.push(mismatch(at, 'a string value', describeType(entry)));
    }
  },
};

const nested = (shape: Shape, expected: string): Rule => ({
  expected,
  check: (value, path, problems) => checkObject(value, path, shape, expected, problems),
});

// ---------------------------------------------------------------------------------------------------
// The shapes of types.ts. `satisfies` ties each to its type, so an option added there fails to compile here.
// ---------------------------------------------------------------------------------------------------

type FormLogin = Extract<LoginConfig, { path: string }>;
/** The form variant's keys, for spotting a login that mixes both variants; all but `done` are required. */
const FORM_LOGIN_KEYS = ['path', 'fields', 'submit', 'done'] as const satisfies readonly (keyof FormLogin)[];
const FORM_LOGIN_REQUIRED = ['path', 'fields', 'submit'] as const satisfies readonly (keyof FormLogin)[];
const LOGIN_EXPECTED =
  'a form login { path, fields, submit, done? } or a script login { script: async (page) => … }';

/**
 * Both variants' keys are known and all optional here; the `login` rule then decides which variant was
 * meant, so a typo inside either one still gets a suggestion.
 */
const LOGIN_SHAPE = {
  path: optional(pagePath('/login')),
  fields: optional(fieldValues),
  submit: optional(selector('button[type=submit]')),
  done: optional(urlPattern('**/dashboard')),
  script: optional(signInScript),
} satisfies Record<KeysOfUnion<LoginConfig>, Option>;

const login: Rule = {
  expected: LOGIN_EXPECTED,
  check: (value, path, problems) => {
    if (!isRecord(value)) {
      problems.push(mismatch(path, LOGIN_EXPECTED, describe(value)));
      return;
    }
    checkKeys(value, path, LOGIN_SHAPE, problems);
    const formKeys = FORM_LOGIN_KEYS.filter((key) => value[key] !== undefined);
    if (value.script !== undefined) {
      if (formKeys.length > 0)
        problems.push(mismatch(path, `${LOGIN_EXPECTED}, not both`, `script and ${formKeys.join(', ')}`));
      return;
    }
    const missing = FORM_LOGIN_REQUIRED.filter((key) => value[key] === undefined);
    if (missing.length > 0)
      problems.push({ path, message: `missing ${missing.join(', ')}: expected ${LOGIN_EXPECTED}` });
  },
};

const FORM_SHAPE = {
  path: required(pagePath('/settings/profile')),
  field: required(selector('#bio')),
  save: required(selector('#save-btn')),
  success: required(selector('.success-message')),
  saveRequest: required(urlPattern('**/api/profile/save')),
  text: optional(predicate('a non-empty string', isNonEmptyString)),
} satisfies Record<keyof FormConfig, Option>;

const CREDENTIAL_SHAPE = {
  header: optional(headerName),
  cookie: optional(predicate('a cookie name such as "access_token"', isNonEmptyString)),
  query: optional(predicate('a query parameter name such as "access_token"', isNonEmptyString)),
} satisfies Record<KeysOfUnion<CredentialHint>, Option>;
const CREDENTIAL_EXPECTED = 'exactly one of { header }, { cookie } or { query }';

/** A hint names one carrier; with two, the audit could not tell which one to expire. */
const credential: Rule = {
  expected: CREDENTIAL_EXPECTED,
  check: (value, path, problems) => {
    if (!isRecord(value)) {
      problems.push(mismatch(path, CREDENTIAL_EXPECTED, describe(value)));
      return;
    }
    checkKeys(value, path, CREDENTIAL_SHAPE, problems);
    const given = Object.keys(CREDENTIAL_SHAPE).filter((key) => value[key] !== undefined);
    if (given.length === 0) problems.push(mismatch(path, CREDENTIAL_EXPECTED, 'none of them'));
    if (given.length > 1) problems.push(mismatch(path, CREDENTIAL_EXPECTED, given.join(' and ')));
  },
};

const EXPIRY_SHAPE = {
  mode: optional(expiryMode),
  after: optional(duration),
} satisfies Record<keyof ExpiryConfig, Option>;

type Defined<K extends keyof CheckConfig> = NonNullable<CheckConfig[K]>;

const REAUTH_SHAPE = {
  dialog: required(selector('#reauth-dialog')),
  fields: required(fieldValues),
  submit: required(selector('#reauth-dialog button[type=submit]')),
} satisfies Record<keyof Defined<'reauth'>, Option>;

const CONCURRENT_SHAPE = {
  path: required(pagePath('/dashboard')),
  ready: required(selector('[data-panel].loaded')),
  count: required(positiveInteger),
  click: optional(selector('nav a[href="/dashboard"]')),
} satisfies Record<keyof Defined<'concurrent'>, Option>;

const THIRD_PARTY_SHAPE = {
  path: required(pagePath('/dashboard')),
  pattern: required(urlPattern('https://status.example.com/**')),
} satisfies Record<keyof Defined<'thirdParty'>, Option>;

const successSignal: Rule = {
  expected:
    'a selector, { selector }, { dialog: text | true }, { text } or "network" (the save request answered 2xx)',
  check: (value, path, problems) => {
    if (value === 'network' || isNonEmptyString(value)) return;
    const expected = successSignal.expected;
    if (!isRecord(value)) {
      problems.push(mismatch(path, expected, describe(value)));
      return;
    }
    const keys = Object.keys(value);
    const [key] = keys;
    const ok =
      keys.length === 1 &&
      ((key === 'selector' && isNonEmptyString(value.selector)) ||
        (key === 'text' && isNonEmptyString(value.text)) ||
        (key === 'dialog' && (value.dialog === true || isNonEmptyString(value.dialog))));
    if (!ok) problems.push(mismatch(path, expected, describe(value)));
  },
};

const journeySteps = predicate(
  'an array of selectors to click in order, or a function (page) => Promise<void>',
  (value) =>
    typeof value === 'function' || (Array.isArray(value) && value.every((step) => isNonEmptyString(step))),
);

const JOURNEY_SHAPE = {
  name: required(predicate('a non-empty name such as "new task"', isNonEmptyString)),
  path: required(pagePath('/tasks')),
  before: optional(journeySteps),
  input: required(selector('input[name=title]')),
  save: optional(selector('#create')),
  saveRequest: required(urlPattern('**/api/tasks')),
  success: optional(successSignal),
  text: optional(predicate('a non-empty string', isNonEmptyString)),
} satisfies Record<keyof JourneyConfig, Option>;
const JOURNEY_EXPECTED = 'an object { name, path, input, saveRequest, before?, save?, success?, text? }';

const journeys: Rule = {
  expected: `an array of journeys, each ${JOURNEY_EXPECTED}`,
  check: (value, path, problems) => {
    if (!Array.isArray(value)) {
      problems.push(mismatch(path, journeys.expected, describe(value)));
      return;
    }
    const names = new Set<string>();
    value.forEach((journey, i) => {
      checkObject(journey, `${path}[${i}]`, JOURNEY_SHAPE, JOURNEY_EXPECTED, problems);
      const name = isRecord(journey) ? journey.name : undefined;
      if (typeof name === 'string' && names.has(name))
        problems.push({
          path: `${path}[${i}].name`,
          message: `expected a unique name, got ${JSON.stringify(name)} twice`,
        });
      if (typeof name === 'string') names.add(name);
    });
  },
};

const TABS_SHAPE = {
  path: optional(pagePath('/dashboard')),
  click: optional(selector('#reload-data')),
  count: optional(
    predicate(
      'an integer from 2 to 8',
      (value) => Number.isInteger(value) && Number(value) >= 2 && Number(value) <= 8,
    ),
  ),
} satisfies Record<keyof TabsConfig, Option>;

const CONFIG_EXPECTED = 'an object such as { baseURL, login, api, refresh }';

const CONFIG_SHAPE = {
  baseURL: required(baseURL),
  login: required(login),
  form: optional(nested(FORM_SHAPE, 'an object { path, field, save, success, saveRequest, text? }')),
  journeys: optional(journeys),
  logout: optional(selector('#logout')),
  tabs: optional(nested(TABS_SHAPE, 'an object { path?, click?, count? }')),
  api: required(urlPattern('**/api/**')),
  refresh: required(urlPattern('**/auth/refresh')),
  loginPage: optional(urlPattern('**/login*')),
  credential: optional(credential),
  expiry: optional(nested(EXPIRY_SHAPE, 'an object { mode?, after? }')),
  reauth: optional(nested(REAUTH_SHAPE, 'an object { dialog, fields, submit }')),
  concurrent: optional(nested(CONCURRENT_SHAPE, 'an object { path, ready, count, click? }')),
  thirdParty: optional(nested(THIRD_PARTY_SHAPE, 'an object { path, pattern }')),
  outcomeTimeout: optional(seconds()),
  scenarioTimeout: optional(seconds(600)),
} satisfies Record<keyof CheckConfig, Option>;

// ---------------------------------------------------------------------------------------------------
// Type tests and descriptions
// ---------------------------------------------------------------------------------------------------

/** An object with options; arrays and RegExps are objects to `typeof` but never a config section. */
function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof RegExp);
}

/** Blank strings count as empty: a selector or path of spaces is as useless as none. */
function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

function isHttpUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const { protocol } = new URL(value);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

/** What a value is, with the value itself where it helps (never used for secrets: see describeType). */
function describe(value: unknown): string {
  if (typeof value === 'string') {
    if (value === '') return 'an empty string';
    if (value.trim() === '') return 'a blank string';
    const shown = value.length > 80 ? `${value.slice(0, 77)}…` : value;
    return `the string ${JSON.stringify(shown)}`;
  }
  if (typeof value === 'number') return `the number ${String(value)}`;
  if (typeof value === 'boolean') return `the boolean ${String(value)}`;
  if (typeof value === 'bigint') return `the bigint ${String(value)}n`;
  if (value instanceof RegExp) return `the RegExp ${String(value)}`;
  return describeType(value);
}

/** What a value is, without the value: safe for passwords. */
function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof RegExp) return 'a RegExp';
  const type = typeof value;
  return type === 'object' ? 'an object' : `a ${type}`;
}
