/**
 * The interceptors the tutorials teach, written as they are usually written, for comparison only.
 * Both keep the token in a module-like store and attach it to every request, whatever the origin.
 */
import type { Agent as HttpAgent } from 'node:http';
import axios from 'axios';
import { installPerRequestRetry, installSharedPromise } from './tutorial-patterns.js';
import { axiosGet, type Peer, type PeerSetup } from './types.js';

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
  installPerRequestRetry(api, refresh);
  return {
    name: 'tutorial `_retry` interceptor',
    get: axiosGet(api),
  };
}

/** One shared refresh promise, cleared when it settles; no retry flag, so a persistent 401 loops. */
export function sharedPromise(setup: PeerSetup, agent: HttpAgent): Peer {
  const { api, refresh } = base(setup, agent);
  installSharedPromise(api, refresh);
  return {
    name: 'shared refresh promise',
    get: axiosGet(api),
  };
}
