import { startAuthServer } from '@expiryproof/auth-server';
import { createSession } from '@expiryproof/core';
import { describe, expect, it } from 'vitest';
import { refreshAt, useAuthServer } from './helpers.js';

const ctx = useAuthServer();

describe('session.fetch sends a request exactly where the origin check looked', () => {
  it('a scheme-relative URL ("http:host:port/…") never carries the token to the host it names', async () => {
    const other = await startAuthServer();
    try {
      const session = createSession({
        tokens: ctx.tokens,
        origins: [ctx.server.origin],
        baseUrl: ctx.server.origin,
        refresh: refreshAt(ctx.server.origin),
      });
      // Against the base, this is a path on the allowed origin; Node's fetch alone reads it as `other`.
      const sneaky = `http:${new URL(other.origin).host}/api/data`;
      await session.fetch(sneaky).catch(() => undefined);
      expect(other.log.filter((r) => r.bearer !== undefined)).toEqual([]);
      // Relative URLs still go to the base, with the token.
      expect((await session.fetch('/api/data')).status).toBe(200);
      expect(ctx.server.sent('/api/data').at(-1)?.bearer).toBe(ctx.tokens.accessToken.slice(-8));
    } finally {
      await other.close();
    }
  });
});
