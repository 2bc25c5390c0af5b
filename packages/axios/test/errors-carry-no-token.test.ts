import { createServer } from 'node:net';
import { attachSession } from '@expiryproof/axios';
import axios, { type AxiosError, type InternalAxiosRequestConfig } from 'axios';
import { describe, expect, it } from 'vitest';
import { sessionFor, useAuthServer } from '../../core/test/helpers.js';

const ctx = useAuthServer();

/** An allowed origin where nothing listens: a real ECONNREFUSED, an AxiosError without a response. */
async function deadOrigin(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

describe('the token stays out of what axios hands back', () => {
  it('a network error: neither error.config, error.toJSON() nor the caller’s own config holds the token', async () => {
    const dead = await deadOrigin();
    const { session } = sessionFor({ origin: dead }, ctx.tokens);
    const api = axios.create({ baseURL: dead });
    attachSession(api, session);
    const mine = { headers: { 'X-Trace': '1' } };
    const error = (await api.get('/api/data', mine).catch((e: unknown) => e)) as AxiosError;
    expect(error.code).toBe('ECONNREFUSED');
    expect(error.response).toBeUndefined();
    const secret = ctx.tokens.accessToken;
    expect(JSON.stringify(error.toJSON())).not.toContain(secret);
    expect(error.config?.headers.has('Authorization')).toBe(false);
    expect(JSON.stringify(mine)).not.toContain(secret);
  });

  it('a retry helper re-sending error.config goes through the session again: no foreign-Authorization warning, one token', async () => {
    const dead = await deadOrigin();
    const { session, warnings } = sessionFor(ctx.server, ctx.tokens, { origins: [ctx.server.origin, dead] });
    const api = axios.create({ baseURL: dead });
    attachSession(api, session);
    // A network error the app's retry helper retries with the same config (as axios-retry does); here the
    // retry goes to a server that answers, so what it sends can be seen.
    const failed = (await api.get('/api/data').catch((e: unknown) => e)) as AxiosError;
    expect(failed.code).toBe('ECONNREFUSED');
    const again = { ...(failed.config as InternalAxiosRequestConfig), baseURL: ctx.server.origin };
    const res = await api.request(again);
    expect(res.status).toBe(200);
    expect(warnings()).toEqual([]);
    const sent = ctx.server.sent('/api/data');
    expect(sent.at(-1)?.bearer).toBe(ctx.tokens.accessToken.slice(-8));
  });
});
