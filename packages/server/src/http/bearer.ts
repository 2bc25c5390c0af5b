/** What an `Authorization` header holds, for the Bearer scheme. */
export type BearerCredentials =
  | { kind: 'missing' }
  | { kind: 'malformed' }
  | { kind: 'token'; token: string };

// RFC 6750 §2.1: "Bearer" 1*SP b64token, b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
const BEARER = /^bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;
const SCHEME = /^bearer(?: |$)/i;

/**
 * Reads the Bearer token of an `Authorization` header. No header, or another scheme (`Basic …`): `missing`.
 * `Bearer` with something that is not a b64token: `malformed` (answered as an invalid token).
 */
export function readBearer(authorization: string | null | undefined): BearerCredentials {
  const value = authorization?.trim() ?? '';
  if (!SCHEME.test(value)) return { kind: 'missing' };
  const match = BEARER.exec(value);
  return match ? { kind: 'token', token: match[1]! } : { kind: 'malformed' };
}
