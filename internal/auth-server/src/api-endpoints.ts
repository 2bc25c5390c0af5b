import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import type { TokenService } from './token-service.js';

export interface ApiState {
  alwaysUnauthorized: boolean;
  /**
   * The status a refused access token gets: 401 with an RFC 6750 challenge, or 403 without one, as the
   * Express tutorials' `jwt.verify` error handlers send.
   */
  refusedStatus: 401 | 403;
}

type Send = (res: ServerResponse, status: number, body: unknown, headers?: Record<string, string>) => void;

/**
 * The protected resources: `/api/*` (JSON; `/api/echo` echoes the body, `/api/public` needs no token,
 * `/api/admin` needs a scope no token has), and `/graphql`, which answers 200 with an `UNAUTHENTICATED`
 * error as GraphQL servers commonly do.
 */
export function createApiEndpoints(
  tokens: TokenService,
  state: ApiState,
  stats: { apiCalls: number; unauthorized: number },
  send: Send,
) {
  async function userOf(req: IncomingMessage): Promise<string | undefined> {
    const header = req.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice(7) : undefined;
    return token && !state.alwaysUnauthorized ? await tokens.verify(token) : undefined;
  }

  async function api(req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer) {
    stats.apiCalls++;
    const wait = Number(url.searchParams.get('delay') ?? 0);
    const user = await userOf(req);
    if (wait) await delay(wait);
    if (url.pathname === '/api/public') return send(res, 200, { ok: true });
    if (!user) {
      stats.unauthorized++;
      return state.refusedStatus === 403
        ? send(res, 403, { error: 'forbidden' })
        : send(res, 401, { error: 'invalid_token' }, { 'www-authenticate': 'Bearer error="invalid_token"' });
    }
    // A role check as Express apps write it: a valid token, 403, no challenge (the same 403 an expired token
    // gets when `refusedStatus` is 403).
    if (url.pathname === '/api/forbidden') return send(res, 403, { error: 'forbidden' });
    if (url.pathname === '/api/admin') {
      // A valid token without the scope: RFC 6750 says 403, some servers send 401; the challenge is the same.
      return send(
        res,
        Number(url.searchParams.get('status') ?? 403),
        { error: 'insufficient_scope' },
        { 'www-authenticate': 'Bearer error="insufficient_scope", scope="admin"' },
      );
    }
    if (url.pathname === '/api/echo') {
      return send(res, 200, {
        method: req.method,
        contentType: req.headers['content-type'] ?? null,
        length: body.length,
        base64: body.toString('base64'),
      });
    }
    send(res, 200, { ok: true, user, path: url.pathname, query: url.search });
  }

  async function graphql(req: IncomingMessage, res: ServerResponse) {
    stats.apiCalls++;
    const user = await userOf(req);
    if (user) return send(res, 200, { data: { viewer: { email: user } } });
    stats.unauthorized++;
    send(res, 200, {
      data: null,
      errors: [{ message: 'Not authenticated', extensions: { code: 'UNAUTHENTICATED' } }],
    });
  }

  return { api, graphql };
}
