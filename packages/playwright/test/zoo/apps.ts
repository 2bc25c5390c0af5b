import { ZOO_USER, type ZooApp, type ZooShape, zooHome, zooLoginPath } from './types.js';

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

const signInAtSignin: ZooShape = { ...bearerLocalStorage, loginPath: '/signin' };
/** Tokens in localStorage, shared by the tabs; the refresh takes 100 ms (a database round trip), as real ones do. */
const sharedByTabs: ZooShape = { ...bearerLocalStorage, refreshDelayMs: 100 };

/**
 * Apps whose UIs have the shapes real apps have beyond a textarea and Save: a select that saves on change and
 * confirms with an alert; a create dialog in a list that already has entries; no form at all; a sign-in page
 * that is not /login. Each is bearer-in-localStorage (see client/main.ts for the pages).
 */
export const ZOO_JOURNEY_APPS: readonly ZooApp[] = [
  { name: 'select-on-change/correct', shape: bearerLocalStorage, client: 'correct', ui: 'settings' },
  { name: 'select-on-change/redirect', shape: bearerLocalStorage, client: 'redirect', ui: 'settings' },
  { name: 'create-dialog/correct', shape: bearerLocalStorage, client: 'correct', ui: 'tasks' },
  { name: 'create-dialog/redirect', shape: bearerLocalStorage, client: 'redirect', ui: 'tasks' },
  { name: 'no-form/correct', shape: bearerLocalStorage, client: 'correct', ui: 'dashboard' },
  { name: 'signin-page/correct', shape: signInAtSignin, client: 'correct' },
  { name: 'signin-page/redirect', shape: signInAtSignin, client: 'redirect' },
];

/**
 * A pair of apps meant to be used in several tabs at once (client/tabs.ts): the same server (bearer and
 * rotating refresh token with reuse detection, both in localStorage), one client whose tabs each refresh on
 * their own, one on `@expiryproof/core` whose tabs act as one.
 */
export const ZOO_TAB_APPS: readonly ZooApp[] = [
  { name: 'multi-tab/independent', shape: sharedByTabs, client: 'tabs-independent', ui: 'tabs' },
  { name: 'multi-tab/expiryproof', shape: sharedByTabs, client: 'tabs-expiryproof', ui: 'tabs' },
];

/** The app of that name, from any of the lists (throws for an unknown one). */
export function zooApp(name: string): ZooApp {
  const app = [...ZOO_APPS, ...ZOO_JOURNEY_APPS, ...ZOO_TAB_APPS].find(
    (candidate) => candidate.name === name,
  );
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

/**
 * The audit's config, in the shape with `journeys`, for an app of ZOO_JOURNEY_APPS or ZOO_TAB_APPS: where to
 * sign in (and where that lands), what a person does that must survive an expiry, which page fires concurrent
 * calls, which calls a third party, and (for the multi-tab pair) the sign-out control. No hint of how the
 * credential travels.
 */
export function journeyAuditConfigFor(
  app: ZooApp,
  origin: string,
  thirdPartyOrigin: string,
): Record<string, unknown> {
  const loginPath = zooLoginPath(app.shape);
  const config: Record<string, unknown> = {
    baseURL: origin,
    login: {
      path: loginPath,
      fields: { 'input[name=email]': ZOO_USER.email, 'input[name=password]': ZOO_USER.password },
      submit: 'button[type=submit]',
      done: `**${zooHome(app.ui)}`,
    },
    api: '**/api/**',
    refresh: '**/api/auth/refresh',
    loginPage: `**${loginPath}`,
    thirdParty: { path: '/dashboard', pattern: `${thirdPartyOrigin}/**` },
  };
  const dashboard = { path: '/dashboard', ready: '[data-panel].loaded', count: 5 };
  switch (app.ui ?? 'notes') {
    case 'notes':
      config.journeys = [
        {
          name: 'note',
          path: '/notes',
          input: '#note',
          save: '#save',
          saveRequest: '**/api/notes',
          success: '.saved',
        },
      ];
      config.concurrent = { ...dashboard, click: 'nav a[href="/dashboard"]' };
      break;
    case 'settings':
      config.journeys = [
        {
          name: 'theme',
          path: '/settings',
          input: '#theme',
          saveRequest: '**/api/settings',
          success: { dialog: 'Settings saved' },
        },
      ];
      // Sign-in lands on the dashboard itself: the page is loaded by URL (the tokens are in localStorage).
      config.concurrent = dashboard;
      break;
    case 'tasks':
      config.journeys = [
        {
          name: 'new task',
          path: '/tasks',
          before: ['#new-task'],
          input: 'input[name=title]',
          save: '#create',
          saveRequest: '**/api/tasks',
          success: 'network',
        },
      ];
      config.concurrent = dashboard;
      break;
    case 'dashboard':
      config.concurrent = dashboard;
      break;
    case 'tabs':
      // "Reload data" fires the 3 panel calls at once on the page sign-in lands on.
      config.concurrent = {
        path: '/dashboard',
        ready: '[data-panel].loaded',
        count: 3,
        click: '#reload-data',
      };
      config.tabs = { path: '/dashboard', click: '#reload-data', count: 3 };
      config.logout = '#logout';
      break;
  }
  return config;
}
