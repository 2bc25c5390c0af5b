import type { JWTPayload } from 'jose';
import { createLoginThrottle, type LoginThrottleOptions } from '../guards/login-throttle.js';
import { createRefreshRateLimit, type RefreshRateLimitOptions } from '../guards/refresh-rate-limit.js';
import { createMemoryThrottleStore, type ThrottleStore } from '../guards/throttle-store.js';
import type { TokenService } from '../token-service.js';
import type { AccessFailureReason, Clock } from '../types.js';
import { readBearer } from './bearer.js';
import { createCookieTransport } from './cookie-transport.js';
import { assertCookieName } from './cookies.js';
import { createCsrfGuard, newCsrfToken } from './csrf.js';
import { clientAddress, type RequestContext } from './forwarded.js';
import { readIdempotencyKey, readJsonBody, stringField } from './request-body.js';
import {
  csrfRefused,
  type HttpAnswer,
  invalidCredentials,
  invalidGrant,
  invalidRequest,
  invalidToken,
  jsonAnswer,
  missingToken,
  tokenAnswer,
  tooManyRequests,
  toResponse,
} from './semantics.js';

/** What `verifyPassword` is given: the login body's `username` (or `email`) and `password`. */
export interface LoginCredentials {
  username: string;
  password: string;
  /** The login request, e.g. for its client address headers. */
  request: Request;
}

/** Names and lifetime of the cookies of `refreshTokenIn: 'cookie'`. */
export interface AuthCookieOptions {
  /** The `HttpOnly` cookie holding the refresh token, `Path` = `basePath`. Default `refresh_token`. */
  refreshToken?: string;
  /** The double-submit cookie the page reads and echoes in `X-CSRF-Token`, `Path=/`. Default `csrf`. */
  csrf?: string;
  /** Both cookies' `Max-Age`, ms. Default: the token service's `refreshTtl`. */
  maxAge?: number;
}

/** Options of {@link createAuthHandler}. */
export interface AuthHandlerOptions {
  tokens: TokenService;
  /**
   * Checks a login; resolves the account's subject (a stable user id, the JWT `sub`) or `null`/`undefined`
   * when the credentials are wrong. The handler calls it for every well-formed login that is not throttled,
   * known account or not, and looks nothing up before it: so it must do the same work for an unknown
   * account as for a known one (hash the password against a dummy hash), or its timing tells which accounts
   * exist. {@link createPasswordVerifier} does that.
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
  /**
   * Where the refresh token travels. `'body'` (default): JSON bodies both ways. `'cookie'`: an `HttpOnly`,
   * `SameSite=Strict`, `Path`-scoped cookie (`Secure` over HTTPS), never a body; refresh and logout then
   * require an allowed `Origin` and the `X-CSRF-Token` header echoing the CSRF cookie (else 403 `csrf`).
   */
  refreshTokenIn?: 'body' | 'cookie';
  /** Cookie names and lifetime for `refreshTokenIn: 'cookie'`. */
  cookies?: AuthCookieOptions;
  /**
   * Origins (`https://app.example`) allowed to call refresh and logout in cookie mode. Default: the
   * request's own origin only.
   */
  allowedOrigins?: readonly string[];
  /**
   * Believe `X-Forwarded-Proto`, `X-Forwarded-Host` and `X-Forwarded-For` (its last entry). Only behind a
   * proxy that sets them: otherwise any client can. Default `false`.
   */
  trustProxy?: boolean;
  /**
   * Login throttling per account and per client address with exponential backoff: 429 + `Retry-After`
   * while locked. `true` for the defaults (5 failures per account or 20 per address, forgotten after
   * 15 min without one; lockouts from 1 s doubling to 15 min). Default off.
   */
  loginThrottle?: boolean | LoginThrottleOptions;
  /**
   * At most `max` rotations per family per `window` (true: 30 per 60 s); past it 429 + `Retry-After`.
   * Grace-rule answers neither count nor are refused. Default off.
   */
  refreshRateLimit?: boolean | RefreshRateLimitOptions;
  /**
   * Where the guards keep their counters. Default: a new in-memory store for this handler. Several instances
   * need one shared store, or each counts alone.
   */
  throttleStore?: ThrottleStore;
  /** The guards' clock (lockouts, rate windows). Default `Date.now`. */
  clock?: Clock;
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
 * Other paths answer 404, other methods 405. POST bodies must be `application/json` (415 otherwise). In
 * cookie mode the refresh token comes and goes in a cookie instead (see {@link AuthHandlerOptions}).
 *
 * `context.clientAddress`: the socket's peer address, which a `Request` does not carry; the adapter passes
 * it (for login throttling per address). Without it, and without a trusted `X-Forwarded-For`, logins are
 * throttled per account only.
 */
export interface AuthHandler {
  (request: Request, context?: RequestContext): Promise<Response>;
  /** Checks the request's Bearer access token, for API routes: 401 with a challenge when missing or bad.
   * Rejects only when the store fails. */
  authenticate(request: Request): Promise<Authentication>;
  /** The paths it serves and the method each expects (other methods there answer 405): for adapters. */
  readonly routes: readonly AuthRoute[];
}

/** One of the handler's endpoints. */
export interface AuthRoute {
  readonly method: 'GET' | 'POST';
  readonly path: string;
}

const TOO_LONG = 1024;

/** The HTTP face of a {@link TokenService}. */
export function createAuthHandler(options: AuthHandlerOptions): AuthHandler {
  const { tokens, verifyPassword, realm } = options;
  const base = (options.basePath ?? '/auth').replace(/\/+$/, '');
  const jwksPath = options.jwksPath ?? '/.well-known/jwks.json';
  const limit = options.maxBodyBytes ?? 16_384;
  const challenge = { realm };
  const trustProxy = options.trustProxy ?? false;
  const clock = options.clock ?? Date.now;
  const report = (error: unknown) => options.onError?.(error);
  const guards = guardsOf(options, clock, report);
  const cookieMode = cookieModeOf(options, base, trustProxy);

  async function login(request: Request, context: RequestContext | undefined): Promise<HttpAnswer> {
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
    const attempt = await guards.login?.begin(username, clientAddress(request, context, trustProxy));
    if (attempt && !attempt.ok) return tooManyRequests(attempt.retryAfter);
    let subject: string | null | undefined;
    try {
      // Called for unknown accounts too: nothing is looked up before it (equal work is its job).
      subject = await verifyPassword({ username, password, request });
    } catch (error) {
      await attempt?.end('error').catch(report);
      throw error;
    }
    const accepted = typeof subject === 'string' && subject !== '' ? subject : undefined;
    await attempt?.end(accepted === undefined ? 'failure' : 'success');
    if (accepted === undefined) return invalidCredentials();
    const issued = await tokens.issue(accepted);
    return cookieMode ? cookieMode.transport.answer(request, issued, newCsrfToken()) : tokenAnswer(issued);
  }

  async function refresh(request: Request): Promise<HttpAnswer> {
    let refreshToken: string | undefined;
    let csrf = '';
    if (cookieMode) {
      const check = cookieMode.csrf.check(request);
      if (!check.ok) return csrfRefused(check.reason);
      csrf = check.token; // kept, not renewed: a tab holding it must not lose a race to another tab
      refreshToken = cookieMode.transport.refreshToken(request);
      if (refreshToken === undefined) return invalidRequest('The refresh-token cookie is missing');
    } else {
      const body = await readJsonBody(request, limit);
      if (!body.ok) return body.answer;
      refreshToken = stringField(body.value, 'refreshToken');
      if (refreshToken === undefined) return invalidRequest('The body needs a refreshToken string');
    }
    const idempotencyKey = readIdempotencyKey(request.headers);
    if (idempotencyKey === null)
      return invalidRequest('Idempotency-Key must be 1 to 255 visible ASCII characters');
    const outcome = await tokens.refresh(refreshToken, { idempotencyKey, gate: guards.refresh });
    if (outcome.ok) {
      return cookieMode
        ? cookieMode.transport.answer(request, outcome.tokens, csrf)
        : tokenAnswer(outcome.tokens);
    }
    if (outcome.reason === 'rate-limited') return tooManyRequests(outcome.retryAfter);
    const refused = invalidGrant(outcome.reason);
    // The cookie's token is spent for good: drop it, so the browser stops sending it.
    return cookieMode ? { ...refused, setCookie: cookieMode.transport.clear(request) } : refused;
  }

  async function logout(request: Request): Promise<HttpAnswer> {
    const done: HttpAnswer = { status: 204, headers: { 'cache-control': 'no-store' }, body: null };
    let refreshToken: string | undefined;
    if (cookieMode) {
      const check = cookieMode.csrf.check(request);
      if (!check.ok) return csrfRefused(check.reason);
      done.setCookie = cookieMode.transport.clear(request);
      refreshToken = cookieMode.transport.refreshToken(request);
    } else if (request.headers.has('content-type')) {
      const body = await readJsonBody(request, limit);
      if (!body.ok) return body.answer;
      refreshToken = stringField(body.value, 'refreshToken');
    }
    if (refreshToken !== undefined) {
      // Unknown or already revoked: logged out all the same, and nothing tells the caller which.
      await tokens.logout(refreshToken);
      return done;
    }
    const bearer = readBearer(request.headers.get('authorization'));
    if (bearer.kind === 'missing') {
      // Cookie mode: no session cookie left to revoke; the cookies are cleared all the same.
      if (cookieMode) return done;
      return invalidRequest('Send the refresh token in the body or the access token in Authorization');
    }
    if (bearer.kind === 'malformed') return invalidToken('invalid', challenge);
    const check = await tokens.verify(bearer.token);
    if (check.ok) await tokens.revokeFamily(check.familyId, 'logout');
    else if (check.reason !== 'revoked') return invalidToken(check.reason, challenge);
    return done;
  }

  async function route(request: Request, context: RequestContext | undefined): Promise<HttpAnswer> {
    const { pathname } = new URL(request.url);
    const post = (run: () => Promise<HttpAnswer>) => (request.method === 'POST' ? run() : notAllowed('POST'));
    switch (pathname) {
      case `${base}/login`:
        return post(() => login(request, context));
      case `${base}/refresh`:
        return post(() => refresh(request));
      case `${base}/logout`:
        return post(() => logout(request));
      case jwksPath:
        if (request.method !== 'GET' && request.method !== 'HEAD') return notAllowed('GET, HEAD');
        return jsonAnswer(200, tokens.jwks(), { 'cache-control': 'public, max-age=300' });
      default:
        return jsonAnswer(404, { error: 'not_found' });
    }
  }

  const handler = async (request: Request, context?: RequestContext): Promise<Response> => {
    try {
      return toResponse(await route(request, context));
    } catch (error) {
      report(error);
      return toResponse(jsonAnswer(500, { error: 'server_error' }));
    }
  };

  return Object.assign(handler, {
    routes: [
      { method: 'POST', path: `${base}/login` },
      { method: 'POST', path: `${base}/refresh` },
      { method: 'POST', path: `${base}/logout` },
      { method: 'GET', path: jwksPath },
    ] as const,
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

/** The login throttle and the refresh rate limit, when enabled, over one store. */
function guardsOf(options: AuthHandlerOptions, clock: Clock, report: (error: unknown) => void) {
  const { loginThrottle, refreshRateLimit } = options;
  const store = options.throttleStore ?? createMemoryThrottleStore({ clock });
  const settings = <T extends object>(value: boolean | T | undefined): T | undefined =>
    value === undefined || value === false ? undefined : value === true ? ({} as T) : value;
  const login = settings<LoginThrottleOptions>(loginThrottle);
  const refresh = settings<RefreshRateLimitOptions>(refreshRateLimit);
  return {
    login: login && createLoginThrottle(store, clock, login),
    refresh: refresh && createRefreshRateLimit(store, clock, refresh, report),
  };
}

/** The cookie transport and its CSRF guard, in cookie mode; `undefined` in body mode. */
function cookieModeOf(options: AuthHandlerOptions, base: string, trustProxy: boolean) {
  const mode = options.refreshTokenIn ?? 'body';
  if (mode !== 'body' && mode !== 'cookie') throw new TypeError("refreshTokenIn must be 'body' or 'cookie'");
  if (mode === 'body') return undefined;
  const refreshCookie = options.cookies?.refreshToken ?? 'refresh_token';
  const csrfCookie = options.cookies?.csrf ?? 'csrf';
  assertCookieName(refreshCookie, 'cookies.refreshToken');
  assertCookieName(csrfCookie, 'cookies.csrf');
  if (refreshCookie === csrfCookie) throw new TypeError('the two cookies need different names');
  const maxAge = options.cookies?.maxAge ?? options.tokens.refreshTtl;
  if (!Number.isFinite(maxAge) || maxAge < 1000) throw new RangeError('cookies.maxAge must be ≥ 1 000 ms');
  return {
    transport: createCookieTransport({
      path: base === '' ? '/' : base,
      refreshCookie,
      csrfCookie,
      maxAge,
      trustProxy,
    }),
    csrf: createCsrfGuard({ allowedOrigins: options.allowedOrigins, trustProxy, cookieName: csrfCookie }),
  };
}
