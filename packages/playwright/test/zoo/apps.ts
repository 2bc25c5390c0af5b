import { ZOO_USER, type ZooApp, type ZooShape } from './types.js';

const bearerLocalStorage: ZooShape = {
  credential: 'bearer',
  refreshIn: 'body',
  expiredStatus: 401,
  sessionCheck: false,
};
const memoryWithRefreshCookie: ZooShape = {
  credential: 'bearer',
  refreshIn: 'cookie',
  expiredStatus: 401,
  sessionCheck: false,
};
const cookiesWithCsrf: ZooShape = {
  credential: 'cookie',
  refreshIn: 'cookie',
  expiredStatus: 401,
  sessionCheck: false,
};
const customHeader: ZooShape = {
  credential: 'x-access-token',
  refreshIn: 'body',
  expiredStatus: 401,
  sessionCheck: false,
};
const forbiddenWhenExpired: ZooShape = {
  credential: 'bearer',
  refreshIn: 'body',
  expiredStatus: 403,
  sessionCheck: false,
};
const sessionCheckingLogin: ZooShape = {
  credential: 'bearer',
  refreshIn: 'cookie',
  expiredStatus: 401,
  sessionCheck: true,
};
const freezesOnSave: ZooShape = { ...bearerLocalStorage, freezeOnSave: true };

/** The zoo: each app is a server shape people really build and a client people really write. */
export const ZOO_APPS: readonly ZooApp[] = [
  { name: 'bearer-ls/correct', shape: bearerLocalStorage, client: 'correct' },
  { name: 'bearer-ls/redirect', shape: bearerLocalStorage, client: 'redirect' },
  { name: 'memory+refresh-cookie/correct', shape: memoryWithRefreshCookie, client: 'correct' },
  {
    name: 'memory+refresh-cookie/retry-per-request',
    shape: memoryWithRefreshCookie,
    client: 'retry-per-request',
  },
  { name: 'cookies+csrf/correct', shape: cookiesWithCsrf, client: 'correct' },
  { name: 'cookies+csrf/redirect', shape: cookiesWithCsrf, client: 'redirect' },
  { name: 'x-access-token/correct', shape: customHeader, client: 'correct' },
  { name: 'x-access-token/loop', shape: customHeader, client: 'loop' },
  { name: '403-expired/correct', shape: forbiddenWhenExpired, client: 'correct' },
  { name: '403-expired/refresh-401-only', shape: forbiddenWhenExpired, client: 'refresh-401-only' },
  { name: 'session-check-login/correct', shape: sessionCheckingLogin, client: 'correct' },
  { name: 'session-check-login/redirect', shape: sessionCheckingLogin, client: 'redirect' },
  { name: 'freeze-on-save/correct', shape: freezesOnSave, client: 'correct' },
];

/** The app of that name (throws for an unknown one). */
export function zooApp(name: string): ZooApp {
  const app = ZOO_APPS.find((candidate) => candidate.name === name);
  if (!app) throw new Error(`no zoo app named ${name}`);
  return app;
}

/**
 * The audit's config for a zoo app: where to sign in, what to type and save, which page fires concurrent calls
 * and which calls a third party. No hint of how the credential travels: the audit must find that out.
 */
export function auditConfigFor(
  _app: ZooApp,
  origin: string,
  thirdPartyOrigin: string,
): Record<string, unknown> {
  return {
    baseURL: origin,
    login: {
      path: '/login',
      fields: { 'input[name=email]': ZOO_USER.email, 'input[name=password]': ZOO_USER.password },
      submit: 'button[type=submit]',
      done: '**/notes',
    },
    form: { path: '/notes', field: '#note', save: '#save', success: '.saved', saveRequest: '**/api/notes' },
    api: '**/api/**',
    refresh: '**/api/auth/refresh',
    loginPage: '**/login',
    concurrent: {
      path: '/dashboard',
      ready: '[data-panel].loaded',
      count: 5,
      click: 'nav a[href="/dashboard"]',
    },
    thirdParty: { path: '/dashboard', pattern: `${thirdPartyOrigin}/**` },
  };
}
