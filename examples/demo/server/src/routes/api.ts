import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { DemoDatabase } from '../db.js';
import type { TokenService } from '../tokens.js';

declare module 'fastify' {
  interface FastifyRequest {
    userId: number;
  }
}

export const PANELS = ['visits', 'signups', 'revenue', 'errors', 'latency', 'uptime'] as const;

function unauthorized(reply: FastifyReply, description: string) {
  return reply
    .status(401)
    .header('www-authenticate', `Bearer error="invalid_token", error_description="${description}"`)
    .send({ error: 'invalid_token', message: description });
}

/** The protected API: profile, dashboard panels. Every route needs a valid bearer access token. */
export function apiRoutes(app: FastifyInstance, db: DemoDatabase, tokens: TokenService) {
  const getProfile = db.prepare<[number], { email: string; bio: string; updated_at: number | null }>(
    'SELECT users.email, profiles.bio, profiles.updated_at FROM users JOIN profiles ON profiles.user_id = users.id WHERE users.id = ?',
  );
  const saveBio = db.prepare('UPDATE profiles SET bio = ?, updated_at = ? WHERE user_id = ?');

  app.register(async (api) => {
    api.decorateRequest('userId', 0);
    api.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
      const header = request.headers.authorization;
      if (!header?.startsWith('Bearer ')) return unauthorized(reply, 'No bearer access token');
      const check = await tokens.verifyAccess(header.slice(7));
      if (!check.ok) return unauthorized(reply, check.description);
      request.userId = check.userId;
    });

    api.get('/api/me', async (request) => ({ email: getProfile.get(request.userId)?.email }));

    api.get('/api/profile', async (request) => {
      const profile = getProfile.get(request.userId);
      return { email: profile?.email, bio: profile?.bio ?? '', updatedAt: profile?.updated_at ?? null };
    });

    api.post<{ Body: { bio: string } }>(
      '/api/profile/save',
      {
        schema: {
          body: {
            type: 'object',
            required: ['bio'],
            properties: { bio: { type: 'string', maxLength: 10_000 } },
          },
        },
      },
      async (request) => {
        const savedAt = Date.now();
        saveBio.run(request.body.bio, savedAt, request.userId);
        return { ok: true, bio: request.body.bio, savedAt };
      },
    );

    api.get<{ Params: { panel: string } }>('/api/dashboard/:panel', async (request, reply) => {
      const { panel } = request.params;
      if (!(PANELS as readonly string[]).includes(panel)) {
        return reply.status(404).send({ error: 'not_found', message: `No panel ${panel}` });
      }
      // Deterministic per panel so a person can tell the panels apart.
      return { panel, value: [...panel].reduce((sum, c) => sum + c.charCodeAt(0), 0) };
    });
  });
}
