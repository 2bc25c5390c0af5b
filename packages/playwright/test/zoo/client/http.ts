/**
 * The zoo's HTTP clients: one axios instance per page, with the credential attached and 401/403 handled the way
 * the chosen client does it. Browser code, bundled by server/bundle.ts.
 */
import axios, { type AxiosError, type AxiosInstance, type InternalAxiosRequestConfig } from 'axios';
import type { ZooPageConfig } from '../types.js';

/** Where this app keeps its tokens. */
export type Transport = 'storage' | 'memory' | 'cookies';

export interface ZooHttp {
  /** The app's API client (the one with the interceptors). */
  http: AxiosInstance;
  transport: Transport;
  /** Keeps the tokens of a sign-in or refresh answer where this transport keeps them. */
  keep(data: unknown): void;
  /** A bare refresh (no interceptor): resolves when new tokens are kept. */
  refresh(): Promise<void>;
  /** For an access token held in memory: resumes the session after a page load. */
  resume(): Promise<boolean>;
  /** To the login page (unless there already). */
  toLogin(): void;
}

interface ZooRequest extends InternalAxiosRequestConfig {
  /** The refresh generation when the request left (correct client). */
  _generation?: number;
  /** Retried once already. */
  _retry?: boolean;
  /** How many times the loop client sent it. */
  _sends?: number;
}

const ACCESS_KEY = 'zoo.access';
const REFRESH_KEY = 'zoo.refresh';
const UNSAFE = new Set(['post', 'put', 'patch', 'delete']);

export function readCookie(name: string): string | undefined {
  for (const part of document.cookie.split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function createZooHttp(zoo: ZooPageConfig): ZooHttp {
  const { shape, client } = zoo;
  const transport: Transport =
    shape.credential === 'cookie' ? 'cookies' : shape.refreshIn === 'cookie' ? 'memory' : 'storage';
  let memoryAccess: string | null = null;

  const access = (): string | null =>
    transport === 'storage' ? localStorage.getItem(ACCESS_KEY) : transport === 'memory' ? memoryAccess : null;

  const keep = (data: unknown) => {
    const body = (data ?? {}) as { accessToken?: string; refreshToken?: string };
    if (transport === 'storage') {
      if (body.accessToken) localStorage.setItem(ACCESS_KEY, body.accessToken);
      if (body.refreshToken) localStorage.setItem(REFRESH_KEY, body.refreshToken);
    } else if (transport === 'memory') {
      memoryAccess = body.accessToken ?? null;
    }
  };

  const forget = () => {
    localStorage.removeItem(ACCESS_KEY);
    localStorage.removeItem(REFRESH_KEY);
    memoryAccess = null;
  };

  const loginPath = shape.loginPath ?? '/login';
  const toLogin = () => {
    if (location.pathname !== loginPath) location.href = loginPath;
  };

  /** The refresh call itself, made with the bare axios (no interceptor of the app). */
  const refresh = async () => {
    const headers: Record<string, string> = {};
    const csrf = readCookie('csrf_token');
    if (transport === 'cookies' && csrf) headers['x-csrf-token'] = csrf;
    const body = transport === 'storage' ? { refreshToken: localStorage.getItem(REFRESH_KEY) } : {};
    const { data } = await axios.post('/api/auth/refresh', body, { headers });
    keep(data);
  };

  const http = axios.create({ withCredentials: transport === 'cookies' });
  const sameOrigin = (config: InternalAxiosRequestConfig) =>
    new URL(config.url ?? '', config.baseURL ?? location.href).origin === location.origin;

  http.interceptors.request.use((config) => {
    // The careful client keeps its credential for its own origin; the tutorials attach it to everything.
    if (client === 'correct' || client === 'refresh-401-only') {
      if (!sameOrigin(config)) return config;
    }
    const token = access();
    if (token && shape.credential === 'bearer') config.headers.set('Authorization', `Bearer ${token}`);
    if (token && shape.credential === 'x-access-token') config.headers.set('x-access-token', token);
    if (transport === 'cookies' && UNSAFE.has((config.method ?? 'get').toLowerCase())) {
      const csrf = readCookie('csrf_token');
      if (csrf) config.headers.set('x-csrf-token', csrf);
    }
    return config;
  });

  const status = (error: AxiosError) => error.response?.status;
  /** 401, or 403 where this server says 403 for an expired token (a CSRF refusal is no expiry). */
  const expired = (error: AxiosError) => {
    const code = status(error);
    if (code === 401) return true;
    const data = error.response?.data as { error?: string } | undefined;
    return code === 403 && shape.expiredStatus === 403 && data?.error !== 'csrf';
  };

  if (client === 'correct' || client === 'refresh-401-only') {
    let generation = 0;
    let refreshing: Promise<void> | null = null;
    /** Up to 3 tries 300 ms apart for network errors and 5xx; a 400/401/403 ends the session. */
    const refreshWithRetries = async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          await refresh();
          generation++;
          return;
        } catch (error) {
          const code = status(error as AxiosError);
          if (code === 400 || code === 401 || code === 403) {
            forget();
            toLogin();
            throw error;
          }
          if (attempt >= 3) throw error;
          await sleep(300);
        }
      }
    };
    const shouldRefresh = client === 'correct' ? expired : (error: AxiosError) => status(error) === 401;

    http.interceptors.request.use((config: ZooRequest) => {
      config._generation = generation;
      return config;
    });
    http.interceptors.response.use(undefined, async (error: AxiosError) => {
      const config = error.config as ZooRequest | undefined;
      if (!config || config._retry || !sameOrigin(config) || !shouldRefresh(error)) throw error;
      config._retry = true;
      // Sent before a refresh that has finished since: just send it again with the new token.
      if (config._generation === generation) {
        refreshing ??= refreshWithRetries().finally(() => {
          refreshing = null;
        });
        await refreshing;
      }
      return http(config);
    });
  } else if (client === 'redirect') {
    http.interceptors.response.use(undefined, (error: AxiosError) => {
      const code = status(error);
      if (code === 401 || code === 403) toLogin();
      throw error;
    });
  } else if (client === 'retry-per-request') {
    http.interceptors.response.use(undefined, async (error: AxiosError) => {
      const config = error.config as ZooRequest | undefined;
      if (config && expired(error) && !config._retry) {
        config._retry = true;
        try {
          await refresh();
        } catch (refreshError) {
          forget();
          toLogin();
          throw refreshError;
        }
        return http(config);
      }
      throw error;
    });
  } else if (client === 'loop') {
    let pending: Promise<void> | null = null;
    http.interceptors.request.use((config: ZooRequest) => {
      config._sends = (config._sends ?? 0) + 1;
      return config;
    });
    http.interceptors.response.use(undefined, async (error: AxiosError) => {
      const config = error.config as ZooRequest | undefined;
      // No retry limit (the cap only keeps a test from running away).
      if (!config || !expired(error) || (config._sends ?? 0) >= 200) throw error;
      pending ??= refresh()
        .catch((refreshError) => {
          forget();
          toLogin();
          throw refreshError;
        })
        .finally(() => {
          pending = null;
        });
      await pending;
      return http(config);
    });
  }

  const resume = async () => {
    if (transport !== 'memory') return true;
    const tries = client === 'correct' || client === 'refresh-401-only' ? 3 : 1;
    for (let attempt = 1; attempt <= tries; attempt++) {
      try {
        await refresh();
        return true;
      } catch (error) {
        const code = status(error as AxiosError);
        if (code !== undefined && code < 500) return false;
        await sleep(300);
      }
    }
    return false;
  };

  return { http, transport, keep, refresh, resume, toLogin };
}
