import { startAuthServer } from '@expiryproof/auth-server';
import { describe, expect, it } from 'vitest';
import { sessionFor, useAuthServer } from './helpers.js';

const ctx = useAuthServer();

describe('requests that already carry Authorization', () => {
  it('to an allowed origin: sent untouched, not recovered, and a warning names the fix once', async () => {
    const { session, warnings } = sessionFor(ctx.server, ctx.tokens);
    const own = { headers: { Authorization: 'Bearer caller-own' } };
    for (const path of ['/api/a', '/api/b']) {
      expect((await session.fetch(`${ctx.server.origin}${path}`, own)).status).toBe(401);
    }
    await session.fetch(new Request(`${ctx.server.origin}/api/c`, { headers: new Headers(own.headers) }));
    const sent = ctx.server.log.filter((r) => r.path.startsWith('/api/'));
    expect(sent.map((r) => r.bearer)).toEqual(Array(3).fill('Bearer caller-own'.slice(-8)));
    expect(ctx.server.stats().refreshCalls).toBe(0);
    expect(warnings().map((w) => w.code)).toEqual(['foreign-authorization']);
    const { message } = warnings()[0]!;
    expect(message).toContain('Authorization set by the caller of session.fetch: remove it');
    expect(message).not.toContain('caller-own');
  });

  it('to another origin: none of the session’s business, no warning', async () => {
    const other = await startAuthServer();
    try {
      const { session, warnings } = sessionFor(ctx.server, ctx.tokens);
      await session.fetch(`${other.origin}/api/data`, { headers: [['authorization', 'Bearer elsewhere']] });
      expect(other.log.map((r) => r.bearer)).toEqual(['Bearer elsewhere'.slice(-8)]);
      expect(warnings()).toEqual([]);
    } finally {
      await other.close();
    }
  });
});
