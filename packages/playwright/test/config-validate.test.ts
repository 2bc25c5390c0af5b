import { describe, expect, it } from 'vitest';
import { CheckConfigError } from '../src/check/config/errors.js';
import type { CheckConfig } from '../src/check/config/types.js';
import { parseDuration, validateConfig } from '../src/check/config/validate.js';

const PASSWORD = 'hunter2-correct-horse';

/** Every option of types.ts, set to a valid value. */
function fullConfig(): CheckConfig {
  return {
    baseURL: 'http://127.0.0.1:3000',
    login: {
      path: '/login',
      fields: { 'input[name=email]': 'demo@example.com', 'input[name=password]': PASSWORD },
      submit: 'button[type=submit]',
      done: '**/settings/profile',
    },
    form: {
      path: '/settings/profile',
      field: '#bio',
      save: '#save-btn',
      success: '.success-message',
      saveRequest: '**/api/profile/save',
      text: 'typed before the token died',
    },
    api: '**/api/**',
    refresh: '**/auth/refresh',
    loginPage: '**/login',
    credential: { header: 'authorization' },
    expiry: { mode: 'natural', after: '3s' },
    reauth: {
      dialog: '#reauth-dialog',
      fields: { '#reauth-dialog input[type=password]': PASSWORD },
      submit: '#reauth-dialog button[type=submit]',
    },
    concurrent: { path: '/dashboard', ready: '[data-panel].loaded', count: 6 },
    thirdParty: { path: 'https://app.example.com/dashboard', pattern: 'https://status.example.test/**' },
    outcomeTimeout: 8,
    scenarioTimeout: 600,
  };
}

/** The smallest valid config, to which a test adds the one thing it is about. */
function minimalConfig(): Record<string, unknown> {
  return {
    baseURL: 'https://app.example.com',
    login: { path: '/login', fields: {}, submit: 'button' },
    api: '**/api/**',
    refresh: '**/auth/refresh',
  };
}

/** Runs the validator on a config expected to be rejected, and returns the error. */
function rejection(value: unknown, source?: string): CheckConfigError {
  try {
    validateConfig(value, source);
  } catch (error) {
    expect(error).toBeInstanceOf(CheckConfigError);
    return error as CheckConfigError;
  }
  throw new Error('validateConfig accepted the config');
}

/** `{ path: message }` of every problem, for exact assertions. */
function problemsOf(value: unknown): Record<string, string> {
  return Object.fromEntries(rejection(value).problems.map((problem) => [problem.path, problem.message]));
}

const pathsOf = (value: unknown) => rejection(value).problems.map((problem) => problem.path);

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

describe('validateConfig: valid configs', () => {
  it('returns a full config as the same object, untouched (frozen, so any write would throw)', () => {
    const config = deepFreeze(fullConfig());
    expect(validateConfig(config)).toBe(config);
    expect(config).toEqual(fullConfig());
  });

  it('fills in no defaults', () => {
    const config = minimalConfig();
    const result = validateConfig(config);
    expect(Object.keys(result)).toEqual(['baseURL', 'login', 'api', 'refresh']);
  });

  it('accepts RegExp and function URL patterns everywhere a pattern goes', () => {
    const predicate = (url: URL) => url.pathname.startsWith('/api/');
    const config = {
      ...minimalConfig(),
      login: { path: '/login', fields: {}, submit: 'button', done: /\/settings/ },
      api: predicate,
      refresh: /\/auth\/refresh$/,
      loginPage: (url: URL) => url.pathname === '/login',
      form: { ...fullConfig().form, saveRequest: /\/api\/profile\/save/ },
      thirdParty: { path: '/dashboard', pattern: () => true },
    };
    expect(validateConfig(config)).toBe(config);
  });

  it('accepts a script login', () => {
    const config = { ...minimalConfig(), login: { script: async () => {} } };
    expect(validateConfig(config)).toBe(config);
  });

  it('treats an option set to undefined as absent', () => {
    const config = { ...minimalConfig(), form: undefined, expiry: { mode: undefined } };
    expect(validateConfig(config)).toBe(config);
  });
});

describe('validateConfig: wrong types are reported, never a crash', () => {
  it('saveRequest: 12345 names form.saveRequest and says what a URL pattern is', () => {
    const form = { ...fullConfig().form, saveRequest: 12345 };
    expect(problemsOf({ ...fullConfig(), form })).toEqual({
      'form.saveRequest':
        'expected a URL pattern (a glob string such as "**/api/profile/save", a RegExp or a function), got the number 12345',
    });
  });

  it('fields: null names login.fields', () => {
    const config = { ...minimalConfig(), login: { path: '/login', fields: null, submit: 'button' } };
    expect(problemsOf(config)).toEqual({
      'login.fields': 'expected an object of selector → value, got null',
    });
  });

  it.each([
    ['null', null, 'null'],
    ['an array', [fullConfig()], 'an array'],
    ['a string', 'http://127.0.0.1:3000', 'the string "http://127.0.0.1:3000"'],
    ['undefined', undefined, 'undefined'],
  ])('an export that is %s is one problem at (the export)', (_, value, found) => {
    expect(rejection(value).problems).toEqual([
      {
        path: '(the export)',
        message: `expected an object such as { baseURL, login, api, refresh }, got ${found}`,
      },
    ]);
  });

  it('throws only CheckConfigError whatever wrong value sits in any option or section', () => {
    const wrongValues: unknown[] = [
      null,
      0,
      -1,
      Number.NaN,
      '',
      '  ',
      [],
      true,
      {},
      /x/,
      () => {},
      Symbol('s'),
    ];
    const sections = ['login', 'form', 'credential', 'expiry', 'reauth', 'concurrent', 'thirdParty'] as const;
    const base = fullConfig() as unknown as Record<string, Record<string, unknown>>;
    for (const wrong of wrongValues) {
      for (const key of Object.keys(base)) {
        const attempt = () => validateConfig({ ...base, [key]: wrong });
        if (!threwOnlyConfigErrors(attempt)) throw new Error(`crashed on ${key}: ${String(wrong)}`);
      }
      for (const section of sections) {
        for (const key of Object.keys(base[section]!)) {
          const attempt = () => validateConfig({ ...base, [section]: { ...base[section], [key]: wrong } });
          if (!threwOnlyConfigErrors(attempt))
            throw new Error(`crashed on ${section}.${key}: ${String(wrong)}`);
        }
      }
    }
  });

  it('requires baseURL to be an absolute http(s) URL', () => {
    expect(problemsOf({ ...minimalConfig(), baseURL: 'localhost:3000' })).toEqual({
      baseURL:
        'expected an absolute http(s) URL such as "http://127.0.0.1:3000", got the string "localhost:3000"',
    });
  });

  it('reports missing required options', () => {
    expect(problemsOf({ login: { script: async () => {} } })).toEqual({
      baseURL: 'missing; expected an absolute http(s) URL such as "http://127.0.0.1:3000"',
      api: 'missing; expected a URL pattern (a glob string such as "**/api/**", a RegExp or a function)',
      refresh:
        'missing; expected a URL pattern (a glob string such as "**/auth/refresh", a RegExp or a function)',
    });
  });

  it('wants page paths to start with "/" or be absolute URLs', () => {
    const config = {
      ...fullConfig(),
      concurrent: { path: 'dashboard', ready: '.ready', count: 2 },
      thirdParty: { path: 'https://app.example.com/x', pattern: '**' },
    };
    expect(problemsOf(config)).toEqual({
      'concurrent.path':
        'expected a path starting with "/" (relative to baseURL) or an absolute http(s) URL, such as "/dashboard", got the string "dashboard"',
    });
  });

  it('checks counts and timeouts', () => {
    const config = {
      ...fullConfig(),
      concurrent: { path: '/dashboard', ready: '.ready', count: 2.5 },
      outcomeTimeout: 0,
      scenarioTimeout: 60_000,
    };
    expect(problemsOf(config)).toEqual({
      'concurrent.count': 'expected a positive integer, got the number 2.5',
      outcomeTimeout: 'expected a positive number of seconds, got the number 0',
      scenarioTimeout:
        'expected a positive number of seconds, at most 600, got the number 60000 (seconds, not milliseconds)',
    });
  });

  it('rejects empty and blank strings', () => {
    const form = { ...fullConfig().form, field: '', save: '   ' };
    expect(pathsOf({ ...fullConfig(), form })).toEqual(['form.field', 'form.save']);
  });
});

describe('validateConfig: every problem at once', () => {
  it('lists every problem in one error, in the order of the config', () => {
    const config = {
      baseURL: 'ftp://example.com',
      login: { path: '/login', fields: { '#email': 5 }, submit: '' },
      form: { path: '/profile', field: '#bio', save: '#save', success: '.ok', saveRequest: 12345 },
      api: '**/api/**',
      concurent: { path: '/dashboard', ready: '.ready', count: 3 },
      expiry: { mode: 'expired', after: 'soon' },
      concurrent: { path: '/dashboard', ready: '.ready', count: 0 },
    };
    expect(pathsOf(config)).toEqual([
      'baseURL',
      'login.fields["#email"]',
      'login.submit',
      'form.saveRequest',
      'concurent',
      'expiry.mode',
      'expiry.after',
      'concurrent.count',
      'refresh',
    ]);
  });

  it('formats the message as "<source>: N problems" with one line per problem', () => {
    const error = rejection({ ...minimalConfig(), api: 1, refresh: undefined }, 'expiryproof.config.ts');
    expect(error.message).toBe(
      [
        'expiryproof.config.ts: 2 problems:',
        '  - api: expected a URL pattern (a glob string such as "**/api/**", a RegExp or a function), got the number 1',
        '  - refresh: missing; expected a URL pattern (a glob string such as "**/auth/refresh", a RegExp or a function)',
      ].join('\n'),
    );
  });

  it('says "1 problem" for one, and "config" when no source is given', () => {
    expect(rejection({ ...minimalConfig(), api: 1 }).message).toMatch(/^config: 1 problem:\n {2}- api: /);
  });
});

describe('validateConfig: unknown options', () => {
  it('suggests a close known key: concurent → concurrent', () => {
    const config = { ...fullConfig(), concurent: fullConfig().concurrent };
    expect(problemsOf(config)).toEqual({ concurent: 'unknown option; did you mean "concurrent"?' });
  });

  it('suggests a key that differs only in case: Form → form', () => {
    const { form, ...rest } = fullConfig();
    expect(problemsOf({ ...rest, Form: form })).toEqual({ Form: 'unknown option; did you mean "form"?' });
  });

  it('prefers a case-insensitive match even when it is more than 2 edits away', () => {
    const { scenarioTimeout, ...rest } = fullConfig();
    expect(problemsOf({ ...rest, SCENARIOTIMEOUT: scenarioTimeout })).toEqual({
      SCENARIOTIMEOUT: 'unknown option; did you mean "scenarioTimeout"?',
    });
  });

  it('checks unknown keys inside sections too', () => {
    const config = {
      ...fullConfig(),
      form: { ...fullConfig().form, saveRequst: '**' },
      expiry: { mode: 'strip', After: 1000 },
    };
    expect(problemsOf(config)).toEqual({
      'form.saveRequst': 'unknown option; did you mean "saveRequest"?',
      'expiry.After': 'unknown option; did you mean "after"?',
    });
  });

  it('lists the known options when nothing is close, and quotes odd keys in the path', () => {
    const config = { ...fullConfig(), expiry: { 'time to live': 5 } };
    expect(problemsOf(config)).toEqual({
      'expiry["time to live"]': 'unknown option (known options: mode, after)',
    });
  });

  it('does not take inherited names such as constructor for options', () => {
    expect(pathsOf({ ...fullConfig(), constructor: 1 })).toEqual(['constructor']);
  });
});

describe('validateConfig: secrets in fields', () => {
  it('never shows a value under login.fields or reauth.fields, even of a wrong type', () => {
    const config = {
      ...fullConfig(),
      login: { path: '/login', fields: { '#email': 'me@example.com', '#password': 123456789 }, submit: 'b' },
      reauth: { dialog: '#d', fields: { '#password': [PASSWORD] }, submit: 'b' },
      api: 0,
    };
    const error = rejection(config);
    expect(error.problems).toEqual([
      { path: 'login.fields["#password"]', message: 'expected a string value, got a number' },
      { path: 'api', message: expect.stringContaining('got the number 0') },
      { path: 'reauth.fields["#password"]', message: 'expected a string value, got an array' },
    ]);
    expect(error.message).not.toContain('123456789');
    expect(error.message).not.toContain(PASSWORD);
  });

  it('never shows a password that sits where the fields object should be', () => {
    const config = { ...minimalConfig(), login: { path: '/login', fields: PASSWORD, submit: 'b' } };
    const error = rejection(config);
    expect(error.problems).toEqual([
      { path: 'login.fields', message: 'expected an object of selector → value, got a string' },
    ]);
    expect(error.message).not.toContain(PASSWORD);
  });

  it('rejects an empty selector', () => {
    const config = { ...minimalConfig(), login: { path: '/login', fields: { '': 'x' }, submit: 'b' } };
    expect(problemsOf(config)).toEqual({ 'login.fields[""]': 'expected a non-empty selector as the key' });
  });
});

describe('validateConfig: login variants', () => {
  const EITHER =
    'a form login { path, fields, submit, done? } or a script login { script: async (page) => … }';

  it('an empty login lists what the form variant misses and mentions the script variant', () => {
    expect(problemsOf({ ...minimalConfig(), login: {} })).toEqual({
      login: `missing path, fields, submit: expected ${EITHER}`,
    });
  });

  it('a partial form login lists only what it misses', () => {
    expect(problemsOf({ ...minimalConfig(), login: { path: '/login' } })).toEqual({
      login: `missing fields, submit: expected ${EITHER}`,
    });
  });

  it('a typo in script is suggested as well as reported as an incomplete login', () => {
    expect(problemsOf({ ...minimalConfig(), login: { Script: async () => {} } })).toEqual({
      'login.Script': 'unknown option; did you mean "script"?',
      login: `missing path, fields, submit: expected ${EITHER}`,
    });
  });

  it('a login mixing both variants is a problem', () => {
    const login = { script: async () => {}, path: '/login', submit: 'button' };
    expect(problemsOf({ ...minimalConfig(), login })).toEqual({
      login: `expected ${EITHER}, not both, got script and path, submit`,
    });
  });

  it('a script that is not a function is a problem', () => {
    expect(problemsOf({ ...minimalConfig(), login: { script: 'signIn' } })).toEqual({
      'login.script': 'expected a function (page) => Promise<void> that signs in, got the string "signIn"',
    });
  });

  it('a login that is not an object says both variants', () => {
    expect(problemsOf({ ...minimalConfig(), login: null })).toEqual({
      login: `expected ${EITHER}, got null`,
    });
  });
});

describe('validateConfig: credential', () => {
  const EXACTLY_ONE = 'expected exactly one of { header }, { cookie } or { query }';

  it('rejects two carriers at once', () => {
    const config = { ...fullConfig(), credential: { header: 'authorization', cookie: 'access_token' } };
    expect(problemsOf(config)).toEqual({ credential: `${EXACTLY_ONE}, got header and cookie` });
  });

  it('rejects none', () => {
    expect(problemsOf({ ...fullConfig(), credential: {} })).toEqual({
      credential: `${EXACTLY_ONE}, got none of them`,
    });
  });

  it('accepts a cookie or a query parameter alone', () => {
    expect(() => validateConfig({ ...fullConfig(), credential: { cookie: 'access_token' } })).not.toThrow();
    expect(() => validateConfig({ ...fullConfig(), credential: { query: 'access_token' } })).not.toThrow();
  });

  it('wants a header name made of HTTP token characters', () => {
    const config = { ...fullConfig(), credential: { header: 'x access token' } };
    expect(pathsOf(config)).toEqual(['credential.header']);
    expect(() => validateConfig({ ...fullConfig(), credential: { header: 'X-Access-Token' } })).not.toThrow();
  });
});

describe('expiry.after and parseDuration', () => {
  it.each([
    ['3s', 3000],
    ['1500ms', 1500],
    ['2m', 120_000],
    ['1.5s', 1500],
    [' 3 s ', 3000],
    [2500, 2500],
  ])('parseDuration(%j) is %d ms, and expiry.after accepts it', (value, ms) => {
    expect(parseDuration(value)).toBe(ms);
    expect(() =>
      validateConfig({ ...fullConfig(), expiry: { mode: 'natural', after: value } }),
    ).not.toThrow();
  });

  it.each(['soon', '3', '3h', '', '0s', '-1s', 0, -5, Number.POSITIVE_INFINITY, Number.NaN])(
    'parseDuration(%j) is undefined, and expiry.after reports it',
    (value) => {
      expect(parseDuration(value)).toBeUndefined();
      expect(pathsOf({ ...fullConfig(), expiry: { after: value } })).toEqual(['expiry.after']);
    },
  );

  it('says what a duration looks like', () => {
    expect(problemsOf({ ...fullConfig(), expiry: { after: 'soon' } })).toEqual({
      'expiry.after':
        'expected a positive number of milliseconds or a duration such as "3s", "1500ms" or "2m", got the string "soon"',
    });
  });

  it('rejects an unknown expiry mode', () => {
    expect(problemsOf({ ...fullConfig(), expiry: { mode: 'expired' } })).toEqual({
      'expiry.mode': 'expected one of "stale", "strip" or "natural", got the string "expired"',
    });
  });
});

/** True when `attempt` either passes or throws a CheckConfigError. */
function threwOnlyConfigErrors(attempt: () => unknown): boolean {
  try {
    attempt();
    return true;
  } catch (error) {
    return error instanceof CheckConfigError;
  }
}
