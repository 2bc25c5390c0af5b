import type { JWTPayload } from 'jose';
import type { TokenService } from '../token-service.js';
import type { AccessFailureReason } from '../types.js';
import { readBearer } from './bearer.js';
import { readIdempotencyKey, readJsonBody, stringField } from './request-body.js';
import {
  type HttpAnswer,
  invalidCredentials,
  invalidGrant,
  invalidRequest,
  invalidToken,
  jsonAnswer,
  missingToken,
  tokenAnswer,
  toResponse,
} from './semantics.js';

/** What `verifyPassword` is given: the login body's `username` (or `email`) and `password`. */
export interface LoginCredentials {
  username: string;
  password: string;
  /** The login request, e.g. for its client address headers. */
  request: Request;
}

/** Options of {@link createAuthHandler}. */
export interface AuthHandlerOptions {
  tokens: TokenService;
  /**
   * Checks a login; resolves the account's subject (a stable user id, the JWT `sub`) or `null`/`undefined`
   * when the credentials are wrong. Do equal work for unknown accounts (hash a dummy password).
   */
  verifyPassword: (
    credentials: LoginCredentials,
  ) => Promise<string | null | undefined> | string | null | undefined;
  /** Where the three endpoints live. Default `/auth`. */
  basePath?: string;
  /** Where the JWK Set is served. Default `/.well-known/jwks.json`. */
  jwksPath?: string;
  /** `realm` of the Bearer challenges. Default none. */
  realm?: string;
  /** Largest accepted request body, in bytes. Default 16 384. */
  maxBodyBytes?: number;
  /** Called with what a request threw (the store failing, `verifyPassword` throwing); it is answered 500. */
  onError?: (error: unknown) => void;
}

/** The outcome of {@link AuthHandler.authenticate}. On failure, `response` is the 401 to send as is. */
export type Authentication =
  | { ok: true; subject: string; familyId: string; claims: JWTPayload }
  | { ok: false; reason: AccessFailureReason | 'missing'; response: Response };

/**
 * A fetch-style handler (Hono, Next route handlers, Bun, Deno, or Node through an adapter) serving:
 * - `POST {basePath}/login`: `{ username | email, password }` → 200 {@link IssuedTokens}, or 400 `invalid_grant`;
 * - `POST {basePath}/refresh`: `{ refreshToken }`, optional `Idempotency-Key` header → 200 tokens, or 400
 *   `invalid_grant` with `reason` `expired` | `revoked` | `reused` | `unknown`;
 * - `POST {basePath}/logout`: `{ refreshToken }`, or no body and `Authorization: Bearer <access token>` → 204;
 * - `GET {jwksPath}`: the public keys.
 * Other paths answer 404, other methods 405. POST bodies must be `application/json` (415 otherwise).
 */
export interface AuthHandler {
  (request: Request): Promise<Response>;
  /** Checks the request's Bearer access token, for API routes: 401 with a challenge when missing or bad.
   * Rejects only when the store fails. */
  authenticate(request: Request): Promise<Authentication>;
}

const TOO_LONG = 1024;

/** The HTTP face of a {@link TokenService}. */
export function createAuthHandler(options: AuthHandlerOptions): AuthHandler {
  const { tokens, verifyPassword, realm } = options;
  const base = (options.basePath ?? '/auth').replace(/\/+$/, '');
  const jwksPath = options.jwksPath ?? '/.well-known/jwks.json';
  const limit = options.maxBodyBytes ?? 16_384;
  const challenge = { realm };

  async function login(request: Request): Promise<HttpAnswer> {
    const body = await readJsonBody(request, limit);
    if (!body.ok) return body.answer;
    const username = stringField(body.value, 'username') ?? stringField(body.value, 'email');
    const password = stringField(body.value, 'password');
    if (
      username === undefined ||
      password === undefined ||
      username.length > TOO_LONG ||
      password.length > TOO_LONG
    ) {
      return invalidRequest('The body needs username (or email) and password strings');
    }
    const subject = await verifyPassword({ username, password, request });
    if (typeof subject !== 'string' || subject === '') return invalidCredentials();
    return tokenAnswer(await tokens.issue(subject));
  }

  async function refresh(request: Request): Promise<HttpAnswer> {
    const body = await readJsonBody(request, limit);
    if (!body.ok) return body.answer;
    const refreshToken = stringField(body.value, 'refreshToken');
    if (refreshToken === undefined) return invalidRequest('The body needs a refreshToken string');
    const idempotencyKey = readIdempotencyKey(request.headers);
    if (idempotencyKey === null)
      return invalidRequest('Idempotency-Key must be 1 to 255 visible ASCII characters');
    const outcome = await tokens.refresh(refreshToken, { idempotencyKey });
    return outcome.ok ? tokenAnswer(outcome.tokens) : invalidGrant(outcome.reason);
  }

  async function logout(request: Request): Promise<HttpAnswer> {
    let value: unknown;
    if (request.headers.has('content-type')) {
      const body = await readJsonBody(request, limit);
      if (!body.ok) return body.answer;
      value = body.value;
    }
    const done: HttpAnswer = { status: 204, headers: { 'cache-control': 'no-store' }, body: null };
    const refreshToken = stringField(value, 'refreshToken');
    if (refreshToken !== undefined) {
      // Unknown or already revoked: logged out all the same, and nothing tells the caller which.
      await tokens.logout(refreshToken);
      return done;
    }
    const bearer = readBearer(request.headers.get('authorization'));
    if (bearer.kind === 'missing') {
      return invalidRequest('Send the refresh token in the body or the access token in Authorization');
    }
    if (bearer.kind === 'malformed') return invalidToken('invalid', challenge);
    const check = await tokens.verify(bearer.token);
    if (check.ok) await tokens.revokeFamily(check.familyId, 'logout');
    else if (check.reason !== 'revoked') return invalidToken(check.reason, challenge);
    return done;
  }

  async function route(request: Request): Promise<HttpAnswer> {
    const { pathname } = new URL(request.url);
    const post = (run: (request: Request) => Promise<HttpAnswer>) =>
      request.method === 'POST' ? run(request) : notAllowed('POST');
    switch (pathname) {
      case `${base}/login`:
        return post(login);
      case `${base}/refresh`:
        return post(refresh);
      case `${base}/logout`:
        return post(logout);
      case jwksPath:
        if (request.method !== 'GET' && request.method !== 'HEAD') return notAllowed('GET, HEAD');
        return jsonAnswer(200, tokens.jwks(), { 'cache-control': 'public, max-age=300' });
      default:
        return jsonAnswer(404, { error: 'not_found' });
    }
  }

  const handler = async (request: Request): Promise<Response> => {
    try {
      return toResponse(await route(request));
    } catch (error) {
      options.onError?.(error);
      return toResponse(jsonAnswer(500, { error: 'server_error' }));
    }
  };

  return Object.assign(handler, {
    async authenticate(request: Request): Promise<Authentication> {
      const bearer = readBearer(request.headers.get('authorization'));
      if (bearer.kind === 'missing')
        return { ok: false, reason: 'missing', response: toResponse(missingToken(challenge)) };
      if (bearer.kind === 'malformed') {
        return { ok: false, reason: 'invalid', response: toResponse(invalidToken('invalid', challenge)) };
      }
      const check = await tokens.verify(bearer.token);
      if (check.ok) return check;
      return { ok: false, reason: check.reason, response: toResponse(invalidToken(check.reason, challenge)) };
    },
  });
}

const notAllowed = (allow: string) => jsonAnswer(405, { error: 'method_not_allowed' }, { allow });
