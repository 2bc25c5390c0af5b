/**
 * The interceptors the tutorials teach, written as they are usually written, for comparison only.
 * Both keep the token in a module-like store and attach it to every request, whatever the origin.
 */
import type { Agent as HttpAgent } from 'node:http';
import axios, { type AxiosError, type InternalAxiosRequestConfig } from 'axios';
import { axiosGet, type Peer, type PeerSetup } from './types.js';

type Retriable = InternalAxiosRequestConfig & { _retry?: boolean };

function base({ origin, tokens }: PeerSetup, agent: HttpAgent) {
  const store = { ...tokens };
  const api = axios.create({ baseURL: origin, httpAgent: agent });
  api.interceptors.request.use((config) => {
    config.headers.Authorization = `Bearer ${store.accessToken}`;
    return config;
  });
  const refresh = async () => {
    const { data } = await axios.post(
      `${origin}/auth/refresh`,
      { refreshToken: store.refreshToken },
      { httpAgent: agent },
    );
    Object.assign(store, data);
  };
  return { api, refresh };
}

/** Per-request `_retry`: every 401 refreshes on its own. */
export function naiveRetry(setup: PeerSetup, agent: HttpAgent): Peer {
  const { api, refresh } = base(setup, agent);
  api.interceptors.response.use(undefined, async (error: AxiosError) => {
    const original = error.config as Retriable;
    if (error.response?.status === 401 && !original._retry) {
      original._retry = true;
      await refresh();
      return api(original);
    }
    throw error;
  });
  return {
    name: 'tutorial `_retry` interceptor',
    get: axiosGet(api),
  };
}

/** One shared refresh promise, cleared when it settles; no retry flag, so a persistent 401 loops. */
export function sharedPromise(setup: PeerSetup, agent: HttpAgent): Peer {
  const { api, refresh } = base(setup, agent);
  let pending: Promise<void> | null = null;
  api.interceptors.response.use(undefined, async (error: AxiosError) => {
    if (error.response?.status !== 401) throw error;
    pending ??= refresh().finally(() => {
      pending = null;
    });
    await pending;
    return api(error.config!);
  });
  return {
    name: 'shared refresh promise',
    get: axiosGet(api),
  };
}
