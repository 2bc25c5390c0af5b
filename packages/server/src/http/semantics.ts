import type { AccessFailureReason, IssuedTokens, RefreshFailureReason } from '../types.js';

/**
 * An HTTP answer as plain data, for any framework: status, headers (lower-case names), a body (JSON text, or
 * `null`) and the `Set-Cookie` values, one per cookie (they cannot share one header). {@link toResponse}
 * makes a fetch `Response` of it.
 */
export interface HttpAnswer {
  status: number;
  headers: Record<string, string>;
  body: string | null;
  setCookie?: readonly string[];
}

/** Why a cookie-carried refresh or logout was refused as a cross-site request forgery (403 `csrf`). */
export type CsrfFailure =
  /** Neither `Origin` nor `Referer`: the request cannot be placed. */
  | 'origin-missing'
  /** `Origin` (or `Referer`'s origin) is not one of `allowedOrigins`. */
  | 'origin-not-allowed'
  /** No `X-CSRF-Token` header, or no CSRF cookie. */
  | 'token-missing'
  /** The header does not match the cookie. */
  | 'token-mismatch';

/** The `error` codes of RFC 6750 §3.1. */
export type BearerError = 'invalid_request' | 'invalid_token' | 'insufficient_scope';

/** Token answers and errors must not be cached (RFC 6749 §5.1). */
const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' };

const json = (status: number, body: unknown, headers: Record<string, string> = {}): HttpAnswer => ({
  status,
  headers: { 'content-type': 'application/json; charset=utf-8', ...NO_STORE, ...headers },
  body: JSON.stringify(body),
});

// Fixed texts: no message ever includes anything the client sent, so no token can be echoed.
const ACCESS_DESCRIPTIONS: Record<AccessFailureReason, string> = {
  expired: 'The access token expired',
  invalid: 'The access token is malformed or its signature is not valid',
  revoked: 'The access token was revoked',
};

const GRANT_DESCRIPTIONS: Record<RefreshFailureReason, string> = {
  expired: 'The refresh token expired',
  revoked: 'The session was revoked',
  reused: 'The refresh token was already used; the session was revoked',
  unknown: 'The refresh token is not recognised',
};

/** RFC 7230 quoted-string of visible ASCII: backslash and double quote escaped, anything else dropped. */
const quote = (value: string) => `"${value.replace(/[^\x20-\x7e]/g, '').replace(/["\\]/g, '\\$&')}"`;

/**
 * A `WWW-Authenticate` value for the Bearer scheme (RFC 6750 §3): bare `Bearer` (plus `realm`) when the
 * request carried no credentials, with `error` and `error_description` when it carried bad ones.
 */
export function bearerChallenge(
  params: {
    realm?: string | undefined;
    error?: BearerError | undefined;
    description?: string | undefined;
  } = {},
): string {
  const parts: string[] = [];
  if (params.realm !== undefined) parts.push(`realm=${quote(params.realm)}`);
  if (params.error !== undefined) parts.push(`error="${params.error}"`);
  if (params.description !== undefined) parts.push(`error_description=${quote(params.description)}`);
  return parts.length === 0 ? 'Bearer' : `Bearer ${parts.join(', ')}`;
}

/** No access token: 401 with a bare challenge (RFC 6750 §3.1: no error code when none was sent). */
export function missingToken(options: { realm?: string | undefined } = {}): HttpAnswer {
  return json(
    401,
    { error: 'unauthorized', error_description: 'An access token is required' },
    { 'www-authenticate': bearerChallenge({ realm: options.realm }) },
  );
}

/**
 * An access token that is expired, invalid or revoked: 401 `invalid_token` — never 403, which says "you
 * are known and may not", and which clients do not answer with a refresh.
 */
export function invalidToken(
  reason: AccessFailureReason,
  options: { realm?: string | undefined } = {},
): HttpAnswer {
  const description = ACCESS_DESCRIPTIONS[reason];
  return json(
    401,
    { error: 'invalid_token', reason, error_description: description },
    { 'www-authenticate': bearerChallenge({ realm: options.realm, error: 'invalid_token', description }) },
  );
}

/** A refused refresh: 400 `invalid_grant` (RFC 6749 §5.2) with a reason code, never the token. */
export function invalidGrant(reason: RefreshFailureReason): HttpAnswer {
  return json(400, { error: 'invalid_grant', reason, error_description: GRANT_DESCRIPTIONS[reason] });
}

/** Wrong username or password: 400 `invalid_grant`, reason `invalid_credentials` (as an OAuth token endpoint). */
export function invalidCredentials(): HttpAnswer {
  return json(400, {
    error: 'invalid_grant',
    reason: 'invalid_credentials',
    error_description: 'Wrong username or password',
  });
}

/** A request the endpoint cannot read: 400 `invalid_request` (or `status`: 413, 415). */
export function invalidRequest(description: string, status = 400): HttpAnswer {
  return json(status, { error: 'invalid_request', error_description: description });
}

const CSRF_DESCRIPTIONS: Record<CsrfFailure, string> = {
  'origin-missing': 'The request has neither Origin nor Referer',
  'origin-not-allowed': 'The request comes from an origin that is not allowed',
  'token-missing': 'The X-CSRF-Token header or the CSRF cookie is missing',
  'token-mismatch': 'The X-CSRF-Token header does not match the CSRF cookie',
};

/** A refused cross-site request: 403 `{ error: 'csrf', reason }` (a fixed text; nothing the client sent). */
export function csrfRefused(reason: CsrfFailure): HttpAnswer {
  return json(403, { error: 'csrf', reason, error_description: CSRF_DESCRIPTIONS[reason] });
}

/**
 * Throttled (a locked-out login, a family refreshing too often): 429 with `Retry-After` in whole seconds
 * (at least 1), rounded up from `retryAfter` milliseconds.
 */
export function tooManyRequests(retryAfter: number): HttpAnswer {
  const seconds = Math.max(1, Math.ceil(retryAfter / 1000));
  return json(
    429,
    { error: 'too_many_requests', error_description: 'Too many attempts; retry later' },
    { 'retry-after': String(seconds) },
  );
}

/** A login or refresh answer: 200, the pair as JSON, not cacheable. */
export function tokenAnswer(tokens: IssuedTokens): HttpAnswer {
  return json(200, tokens);
}

/** Any other JSON answer (`cache-control: no-store` unless `headers` says otherwise). */
export function jsonAnswer(status: number, body: unknown, headers: Record<string, string> = {}): HttpAnswer {
  return json(status, body, headers);
}

/** An {@link HttpAnswer} as a fetch `Response`. */
export function toResponse(answer: HttpAnswer): Response {
  const headers = new Headers(answer.headers);
  for (const cookie of answer.setCookie ?? []) headers.append('set-cookie', cookie);
  return new Response(answer.body, { status: answer.status, headers });
}
