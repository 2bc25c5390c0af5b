import type { FastifyInstance } from 'fastify';
import { DEMO_USER, type DemoDatabase } from '../db.js';
import type { TokenService } from '../tokens.js';

/** Only with DEMO_DEBUG=1: counters and levers that tests and people use to force the expiry paths. */
export function debugRoutes(app: FastifyInstance, db: DemoDatabase, tokens: TokenService) {
  const findUser = db.prepare<[string], { id: number }>('SELECT id FROM users WHERE email = ?');

  app.get('/api/debug/stats', async () => ({ ...tokens.stats }));

  app.post('/api/debug/reset', async () => {
    tokens.resetStats();
    return { ok: true };
  });

  /** Every access token issued so far stops working: the next API call gets 401. */
  app.post('/api/debug/expire-access', async () => {
    tokens.expireAccessTokens();
    return { ok: true };
  });

  /** Kills the user's refresh tokens: the next refresh is rejected (the dead-refresh path). */
  app.post<{ Body: { email?: string } | null }>('/api/debug/revoke', async (request, reply) => {
    const user = findUser.get(request.body?.email ?? DEMO_USER.email);
    if (!user) return reply.status(404).send({ error: 'not_found', message: 'No such user' });
    await tokens.revokeUser(user.id);
    return { ok: true };
  });
}
