// The Nuxt recipe's wiring (docs/recipes/nuxt.md): Nuxt's `$fetch` is ofetch's, so `$fetch.create` is tested here on
// the real ofetch against the real auth server, whose own expiry makes the 401s. It shows which argument `fetch`
// must go in: `create(defaults, { fetch })`. In the first argument (the defaults) ofetch ignores it.
import { createSession, ExpiryproofError } from '@expiryproof/core';
import { $fetch, type FetchOptions } from 'ofetch';
import { describe, expect, it } from 'vitest';
import { refreshAt, useAuthServer } from '../../core/test/helpers.js';

const ctx = useAuthServer();

function sessionAt(origin: string) {
  return createSession({
    tokens: ctx.tokens,
    origins: [origin],
    crossTab: false,
    refresh: refreshAt(origin),
  });
}

describe('$fetch.create with session.fetch (the Nuxt recipe)', () => {
  it('create(defaults, { fetch: session.fetch }): 20 concurrent calls on an expired token, 1 refresh, 20/20', async () => {
    const session = sessionAt(ctx.server.origin);
    const api = $fetch.create(
      {
        baseURL: ctx.server.origin,
        onRequestError: ({ error, options }) => {
          if (ExpiryproofError.is(error)) options.retry = false;
        },
      },
      { fetch: session.fetch },
    );
    ctx.server.expireAccessTokens();
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => api('/api/data', { query: { i } })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(20);
    expect(ctx.server.stats().refreshCalls).toBe(1);
    const statuses = ctx.server.sent('/api/data').map((r) => r.status);
    expect([statuses.filter((s) => s === 401).length, statuses.filter((s) => s === 200).length]).toEqual([
      20, 20,
    ]);
    const echo = await api<{ base64: string }>('/api/echo', { method: 'POST', body: { bio: 'kept' } });
    expect(Buffer.from(echo.base64, 'base64').toString()).toBe('{"bio":"kept"}');
    session.dispose();
  });

  it('create({ fetch: session.fetch }) (fetch among the defaults) bypasses the session: no token is sent', async () => {
    const session = sessionAt(ctx.server.origin);
    // TypeScript refuses this (`fetch` is not a request option); plain JavaScript does not, and ofetch ignores it.
    const api = $fetch.create({ baseURL: ctx.server.origin, fetch: session.fetch } as FetchOptions);
    await expect(api('/api/data')).rejects.toMatchObject({ statusCode: 401 });
    expect(ctx.server.sent('/api/data').map((r) => r.bearer)).toEqual([undefined]);
    expect(ctx.server.stats().refreshCalls).toBe(0);
    session.dispose();
  });
});
