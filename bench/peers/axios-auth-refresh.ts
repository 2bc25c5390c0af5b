import type { Agent as HttpAgent } from 'node:http';
import axios from 'axios';
import { createAuthRefresh } from 'axios-auth-refresh';
import { axiosGet, type Peer, type PeerSetup } from './types.js';

/** axios-auth-refresh 5.0.2, set up as its README documents. */
export function axiosAuthRefresh({ origin, tokens }: PeerSetup, agent: HttpAgent): Peer {
  const store = { ...tokens };
  const api = axios.create({ baseURL: origin, httpAgent: agent });
  api.interceptors.request.use((config) => {
    config.headers.Authorization = `Bearer ${store.accessToken}`;
    return config;
  });
  createAuthRefresh(
    // Its types are resolved as CommonJS axios; the instance is the same at run time.
    api as unknown as Parameters<typeof createAuthRefresh>[0],
    async (failedRequest: { response: { config: { headers: Record<string, string> } } }) => {
      const { data } = await axios.post(
        `${origin}/auth/refresh`,
        { refreshToken: store.refreshToken },
        { httpAgent: agent },
      );
      Object.assign(store, data);
      failedRequest.response.config.headers.Authorization = `Bearer ${data.accessToken}`;
    },
  );
  return {
    name: 'axios-auth-refresh 5.0.2',
    get: axiosGet(api),
  };
}
