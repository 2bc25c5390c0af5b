/**
 * The multi-tab apps' pages (/login and /dashboard), plain DOM, for a bearer token and a rotating refresh token
 * in the JSON body, both kept in localStorage and so shared by every tab of the origin. The dashboard loads 3
 * panels (GET /api/panels/1..3) when it opens and again, all at once, on "Reload data"; "Sign out" calls
 * POST /api/auth/logout, forgets the tokens and goes to /login.
 *
 * - `tabs-independent`: what most apps do. Each tab reads the access token from localStorage when it loads and
 *   keeps it in memory; its axios interceptor refreshes on 401 (one refresh per tab for concurrent 401s),
 *   reading the refresh token from localStorage then. Tabs that hit 401 at the same moment each present the
 *   same refresh token, and a server that detects reuse revokes the session. A tab does not notice a sign-out
 *   in another one: it keeps its token in memory, and uses it until it expires.
 * - `tabs-expiryproof`: our engine, `createSession` from `@expiryproof/core` with `webStorage(localStorage)`;
 *   cross-tab coordination is on by default (one refresh for all tabs, a sign-out reaches every tab).
 */
import { createSession, HttpStatusError, type Session, type Tokens, webStorage } from '@expiryproof/core';
import axios, { type AxiosError, type InternalAxiosRequestConfig } from 'axios';
import type { ZooPageConfig } from '../types.js';
import { el, signInForm } from './dom.js';

const zoo = (window as unknown as { ZOO: ZooPageConfig }).ZOO;
const root = document.getElementById('app')!;
const PANELS = 3;

/** What a page needs from the app's HTTP layer, whichever client it is. */
interface TabsClient {
  /** Keeps the tokens of a sign-in answer. */
  signedIn(tokens: Tokens): void;
  /** Whether this tab has a session to work with (on load). */
  hasSession(): boolean;
  /** GET of a same-origin API path (or a third-party URL): the parsed JSON body, or a thrown error with `status`. */
  get(url: string): Promise<unknown>;
  logout(): Promise<void>;
}

const toLogin = () => {
  if (location.pathname !== '/login') location.href = '/login';
};

/** An HttpStatusError's `status`, or an axios error's `response.status`. */
const describe = (error: unknown) => {
  const { status, response } = (error ?? {}) as { status?: number; response?: { status?: number } };
  const code = status ?? response?.status;
  return code ? `the server answered ${code}` : 'the server could not be reached';
};

const ACCESS_KEY = 'zoo.access';
const REFRESH_KEY = 'zoo.refresh';

interface TabRequest extends InternalAxiosRequestConfig {
  _generation?: number;
  _retry?: boolean;
}

/** Each tab on its own: the access token in memory (read from localStorage on load), refresh on 401. */
function independentClient(): TabsClient {
  let access = localStorage.getItem(ACCESS_KEY);
  const forget = () => {
    localStorage.removeItem(ACCESS_KEY);
    localStorage.removeItem(REFRESH_KEY);
    access = null;
  };
  const keep = (tokens: Partial<Tokens>) => {
    if (tokens.accessToken) {
      access = tokens.accessToken;
      localStorage.setItem(ACCESS_KEY, tokens.accessToken);
    }
    if (tokens.refreshToken) localStorage.setItem(REFRESH_KEY, tokens.refreshToken);
  };
  const sameOrigin = (config: InternalAxiosRequestConfig) =>
    new URL(config.url ?? '', config.baseURL ?? location.href).origin === location.origin;

  const http = axios.create();
  let generation = 0;
  let refreshing: Promise<void> | null = null;
  http.interceptors.request.use((config: TabRequest) => {
    config._generation = generation;
    if (access && sameOrigin(config)) config.headers.set('Authorization', `Bearer ${access}`);
    return config;
  });
  http.interceptors.response.use(undefined, async (error: AxiosError) => {
    const config = error.config as TabRequest | undefined;
    if (!config || config._retry || !sameOrigin(config) || error.response?.status !== 401) throw error;
    config._retry = true;
    if (config._generation === generation) {
      // One refresh for this tab's concurrent 401s, with the refresh token as localStorage has it now.
      refreshing ??= (async () => {
        try {
          const { data } = await axios.post('/api/auth/refresh', {
            refreshToken: localStorage.getItem(REFRESH_KEY),
          });
          keep(data as Tokens);
          generation++;
        } catch (refreshError) {
          forget();
          toLogin();
          throw refreshError;
        }
      })().finally(() => {
        refreshing = null;
      });
      await refreshing;
    }
    return http(config);
  });

  return {
    signedIn: keep,
    hasSession: () => access !== null,
    get: async (url) => (await http.get(url)).data,
    async logout() {
      await axios
        .post('/api/auth/logout', { refreshToken: localStorage.getItem(REFRESH_KEY) })
        .catch(() => {});
      forget();
      toLogin();
    },
  };
}

/** Our engine: one session per tab, tokens in localStorage, the tabs of the origin acting as one. */
function expiryproofClient(): TabsClient {
  const storage = webStorage(localStorage);
  const session: Session = createSession({
    storage,
    refresh: async ({ refreshToken, fetch, signal }) => {
      const response = await fetch('/api/auth/refresh', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ refreshToken }),
        signal,
      });
      if (!response.ok) throw new HttpStatusError(response.status);
      return (await response.json()) as Tokens;
    },
  });
  // Signed out here or in another tab, or the session could not be renewed: sign in again.
  session.on('signed-out', toLogin);
  session.on('expired', toLogin);

  return {
    signedIn: (tokens) => session.setTokens(tokens),
    hasSession: () => session.getAccessToken() !== null,
    async get(url) {
      const response = await session.fetch(url);
      if (!response.ok) throw new HttpStatusError(response.status);
      return response.json();
    },
    async logout() {
      await session
        .fetch('/api/auth/logout', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ refreshToken: storage.load()?.refreshToken }),
        })
        .catch(() => {});
      session.clear();
      toLogin();
    },
  };
}

const client = zoo.client === 'tabs-expiryproof' ? expiryproofClient() : independentClient();

function loginPage() {
  root.replaceChildren(
    signInForm(async (fields) => {
      const response = await fetch('/api/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(fields),
      });
      if (!response.ok) throw new HttpStatusError(response.status);
      client.signedIn((await response.json()) as Tokens);
      location.href = '/dashboard';
    }, describe),
  );
}

function dashboardPage() {
  const panels = el('div', { class: 'panels', 'data-reloads': '0' });
  const reload = el('button', { id: 'reload-data', type: 'button' }, 'Reload data');
  const logout = el('button', { id: 'logout', type: 'button' }, 'Sign out');
  const status = el('p', { id: 'status' }, 'Status: checking…');
  root.replaceChildren(el('nav', {}), el('h1', {}, 'Dashboard'), reload, logout, panels, status);
  root.querySelector('nav')!.append(el('a', { href: '/dashboard' }, 'Dashboard'));

  const nodes = Array.from({ length: PANELS }, (_, index) =>
    el('div', { 'data-panel': String(index + 1) }, `Panel ${index + 1}: loading…`),
  );
  panels.append(...nodes);
  /** The 3 panel calls, all at once. */
  const load = () =>
    nodes.forEach((panel, index) => {
      const n = index + 1;
      panel.classList.remove('loaded', 'failed');
      panel.textContent = `Panel ${n}: loading…`;
      client.get(`/api/panels/${n}`).then(
        (data) => {
          panel.textContent = `Panel ${n}: ${(data as { value: number }).value}`;
          panel.classList.add('loaded');
        },
        (error) => {
          panel.textContent = `Panel ${n}: ${describe(error)}`;
          panel.classList.add('failed');
        },
      );
    });
  load();
  reload.addEventListener('click', () => {
    panels.dataset.reloads = String(Number(panels.dataset.reloads) + 1);
    load();
  });
  logout.addEventListener('click', () => void client.logout());

  client.get(`${zoo.thirdPartyOrigin}/status`).then(
    (data) => {
      status.textContent = `Status: ${(data as { status: string }).status}`;
      status.classList.add('done');
    },
    (error) => {
      status.textContent = `Status: unknown (${describe(error)})`;
      status.classList.add('done');
    },
  );
}

if (location.pathname === '/login') loginPage();
else if (!client.hasSession()) toLogin();
else if (location.pathname === '/dashboard') dashboardPage();
else root.replaceChildren(el('p', {}, `No page at ${location.pathname}`));
