import type { Agent as HttpAgent } from 'node:http';
import { attachSession } from '@expiryproof/axios';
import { createSession, HttpStatusError, type RefreshContext, type Tokens } from '@expiryproof/core';
import axios from 'axios';
import { axiosGet, type Peer, type PeerSetup } from './types.js';

type Refresh = (context: RefreshContext) => Promise<Tokens>;

const sessionOf = ({ origin, tokens }: PeerSetup, transport: typeof fetch, refresh: Refresh) =>
  createSession({ tokens, origins: [origin], fetch: transport, refresh });

export function expiryproofFetch(setup: PeerSetup, transport: typeof fetch): Peer {
  const session = sessionOf(setup, transport, async ({ refreshToken, fetch, signal }) => {
    const res = await fetch(`${setup.origin}/auth/refresh`, {
      method: 'POST',
      body: JSON.stringify({ refreshToken }),
      signal,
    });
    if (!res.ok) throw new HttpStatusError(res.status);
    return (await res.json()) as Tokens;
  });
  return {
    name: '@expiryproof/core (fetch)',
    async get(path, signal) {
      const res = await session.fetch(new URL(path, setup.origin), { signal });
      await res.arrayBuffer();
      return res.ok;
    },
  };
}

/**
 * The axios adapter on the same transport as the tutorial interceptors: an axios instance on the shared
 * HTTP agent, and the refresh call made with axios on that agent too, as theirs is.
 */
export function expiryproofAxios(setup: PeerSetup, transport: typeof fetch, agent: HttpAgent): Peer {
  const session = sessionOf(setup, transport, async ({ refreshToken, signal }) => {
    // axios rejects non-2xx with an error holding `response.status`: the session classifies it from that.
    const { data } = await axios.post(
      `${setup.origin}/auth/refresh`,
      { refreshToken },
      { httpAgent: agent, signal },
    );
    return { accessToken: data.accessToken, refreshToken: data.refreshToken };
  });
  const api = axios.create({ baseURL: setup.origin, httpAgent: agent });
  attachSession(api, session);
  return {
    name: '@expiryproof/axios',
    get: axiosGet(api),
  };
}
