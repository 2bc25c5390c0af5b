import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { DemoDatabase } from '../db.js';
import { verifyPassword } from '../passwords.js';
import type { IssuedTokens, TokenService } from '../tokens.js';

export const REFRESH_COOKIE = 'ep_refresh';

interface LoginBody {
  email: string;
  password: string;
  /** `cookie` (default): the refresh token goes in an httpOnly cookie. `body`: it is returned in JSON. */
  mode?: 'cookie' | 'body';
}

const loginSchema = {
  body: {
    type: 'object',
    required: ['email', 'password'],
    properties: {
      email: { type: 'string', minLength: 3, maxLength: 320 },
      password: { type: 'string', minLength: 1, maxLength: 1024 },
      mode: { type: 'string', enum: ['cookie', 'body'] },
    },
  },
} as const;

const refreshSchema = {
  body: {
    type: ['object', 'null'],
    properties: { refreshToken: { type: 'string', maxLength: 512 } },
  },
} as const;

/** Login, refresh (rotating, body or cookie mode) and logout. */
export function authRoutes(
  app: FastifyInstance,
  db: DemoDatabase,
  tokens: TokenService,
  refreshTtlMs: number,
) {
  const findUser = db.prepare<[string], { id: number; password_hash: string }>(
    'SELECT id, password_hash FROM users WHERE email = ?',
  );

  function respond(
    request: FastifyRequest,
    reply: FastifyReply,
    issued: IssuedTokens,
    mode: 'cookie' | 'body',
  ) {
    if (mode === 'body') return issued;
    reply.setCookie(REFRESH_COOKIE, issued.refreshToken, {
      httpOnly: true,
      sameSite: 'strict',
      secure: request.protocol === 'https',
      path: '/auth',
      maxAge: Math.round(refreshTtlMs / 1000),
    });
    return { accessToken: issued.accessToken, expiresIn: issued.expiresIn };
  }

  app.post<{ Body: LoginBody }>('/auth/login', { schema: loginSchema }, async (request, reply) => {
    const { email, password, mode = 'cookie' } = request.body;
    const user = findUser.get(email.trim().toLowerCase());
    if (!user || !(await verifyPassword(password, user.password_hash))) {
      return reply.status(401).send({ error: 'invalid_credentials', message: 'Wrong email or password' });
    }
    return respond(request, reply, await tokens.login(user.id), mode);
  });

  app.post<{ Body: { refreshToken?: string } | null }>(
    '/auth/refresh',
    { schema: refreshSchema },
    async (request, reply) => {
      const fromBody = request.body?.refreshToken;
      const presented = fromBody ?? request.cookies[REFRESH_COOKIE];
      if (!presented) {
        return reply
          .status(400)
          .send({ error: 'invalid_request', message: 'No refresh token in the body or cookie' });
      }
      const result = await tokens.refresh(presented);
      if (!result.ok) {
        if (!fromBody) reply.clearCookie(REFRESH_COOKIE, { path: '/auth' });
        return reply.status(401).send({ error: result.error, message: 'The refresh token cannot be used' });
      }
      return respond(request, reply, result.tokens, fromBody ? 'body' : 'cookie');
    },
  );

  app.post<{ Body: { refreshToken?: string } | null }>(
    '/auth/logout',
    { schema: refreshSchema },
    async (request, reply) => {
      const presented = request.body?.refreshToken ?? request.cookies[REFRESH_COOKIE];
      if (presented) await tokens.revoke(presented);
      reply.clearCookie(REFRESH_COOKIE, { path: '/auth' });
      return { ok: true };
    },
  );
}
