import type { Agent as HttpAgent } from 'node:http';
import { attachSession } from '@expiryproof/axios';
import { createSession, HttpStatusError, type RefreshContext } from '@expiryproof/core';
import axios from 'axios';
import { axiosGet, type Peer, type PeerSetup } from './types.js';

function sessionOf({ origin, tokens }: PeerSetup, transport: typeof fetch) {
  return createSession({
    tokens,
    origins: [origin],
    fetch: transport,
    refresh: async ({ refreshToken, fetch, signal }: RefreshContext) => {
      const res = await fetch(`${origin}/auth/refresh`, {
        method: 'POST',
        body: JSON.stringify({ refreshToken }),
        signal,
      });
      if (!res.ok) throw new HttpStatusError(res.status);
      return (await res.json()) as { accessToken: string; refreshToken: string };
    },
  });
}

export function expiryproofFetch(setup: PeerSetup, transport: typeof fetch): Peer {
  const session = sessionOf(setup, transport);
  return {
    name: '@expiryproof/core (fetch)',
    async get(path, signal) {
      const res = await session.fetch(new URL(path, setup.origin), { signal });
      await res.arrayBuffer();
      return res.ok;
    },
  };
}

export function expiryproofAxios(setup: PeerSetup, transport: typeof fetch, agent: HttpAgent): Peer {
  const session = sessionOf(setup, transport);
  const api = axios.create({ baseURL: setup.origin, httpAgent: agent });
  attachSession(api, session);
  return {
    name: '@expiryproof/axios',
    get: axiosGet(api),
  };
}
