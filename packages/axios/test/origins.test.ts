import { startAuthServer } from '@expiryproof/auth-server';
import { attachSession } from '@expiryproof/axios';
import axios from 'axios';
import { describe, expect, it } from 'vitest';
import { sessionFor, useAuthServer } from '../../core/test/helpers.js';

const ctx = useAuthServer();

/** The token goes where axios sends the request, judged the way axios builds the URL. */
describe('the origin @expiryproof/axios judges is the one axios sends to', () => {
  // (A protocol-relative URL is absolute by the same test; Node's axios cannot send one without a page.)
  it('an absolute URL to another origin, with baseURL set: no token there', async () => {
    const other = await startAuthServer();
    try {
      const api = axios.create({ baseURL: ctx.server.origin });
      attachSession(api, sessionFor(ctx.server, ctx.tokens).session);
      await api.get(`${other.origin}/api/data`).catch(() => {});
      expect(other.log.map((r) => r.bearer)).toEqual([undefined]);
    } finally {
      await other.close();
    }
  });

  it('allowAbsoluteUrls: false sends even an absolute URL under baseURL, and the token goes along', async () => {
    const other = await startAuthServer();
    try {
      const api = axios.create({ baseURL: ctx.server.origin, allowAbsoluteUrls: false });
      attachSession(api, sessionFor(ctx.server, ctx.tokens).session);
      await api.get(`${other.origin}/api/data`).catch(() => {});
      expect(other.log).toEqual([]);
      const sent = ctx.server.log.filter((r) => r.path !== '/auth/login');
      expect(sent.map((r) => r.bearer)).toEqual([ctx.tokens.accessToken.slice(-8)]);
    } finally {
      await other.close();
    }
  });

  it('without baseURL, the request’s own URL decides', async () => {
    const api = axios.create();
    attachSession(api, sessionFor(ctx.server, ctx.tokens).session);
    expect((await api.get(`${ctx.server.origin}/api/data`)).status).toBe(200);
  });
});
