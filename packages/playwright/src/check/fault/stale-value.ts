/**
 * Stale look-alikes of a credential: what a server sees when the credential has expired, without the
 * server's signing key. The shape is kept (scheme, length, alphabet, a JWT's header and claims) so the
 * server takes the value for a credential of its own and rejects it the way it rejects an expired one.
 */

const ALPHABETS = ['0123456789', 'abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'];

/** Every letter and digit moved one place in its own alphabet: same length, same character classes, never equal. */
export function shiftCharacters(value: string): string {
  let out = '';
  for (const c of value) {
    const alphabet = ALPHABETS.find((a) => a.includes(c));
    out += alphabet ? alphabet[(alphabet.indexOf(c) + 1) % alphabet.length] : c;
  }
  // A value with no letter or digit cannot be shifted; an appended character still makes it unknown.
  return out === value ? `${value}x` : out;
}

const base64UrlDecode = (part: string) => Buffer.from(part, 'base64url').toString('utf8');
const base64UrlEncode = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

/** The claims of a JWT, or undefined when the value is not one. */
export function jwtClaims(value: string): Record<string, unknown> | undefined {
  const parts = value.split('.');
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]*$/.test(p))) return undefined;
  try {
    const header = JSON.parse(base64UrlDecode(parts[0]!)) as unknown;
    const claims = JSON.parse(base64UrlDecode(parts[1]!)) as unknown;
    if (!header || typeof header !== 'object' || !('alg' in header)) return undefined;
    return claims && typeof claims === 'object' ? (claims as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** When a JWT expires (epoch ms), from its `exp`; undefined for other values. */
export function jwtExpiresAt(value: string): number | undefined {
  const exp = jwtClaims(value)?.exp;
  return typeof exp === 'number' ? exp * 1000 : undefined;
}

/** A JWT's lifetime (ms) from `iat` to `exp`, when it has both. */
export function jwtLifetime(value: string): number | undefined {
  const claims = jwtClaims(value);
  return typeof claims?.exp === 'number' && typeof claims.iat === 'number'
    ? (claims.exp - claims.iat) * 1000
    : undefined;
}

/**
 * A JWT with the same header and claims but `exp` an hour in the past (and `iat`, `nbf` before it), and a
 * signature that no longer verifies.
 */
function staleJwt(value: string, now: number): string {
  const [header, , signature] = value.split('.') as [string, string, string];
  const claims = { ...jwtClaims(value)! };
  const exp = Math.floor(now / 1000) - 3600;
  const lifetime =
    typeof claims.exp === 'number' && typeof claims.iat === 'number' ? claims.exp - claims.iat : 900;
  claims.exp = exp;
  if (typeof claims.iat === 'number') claims.iat = exp - lifetime;
  if (typeof claims.nbf === 'number') claims.nbf = exp - lifetime;
  return `${header}.${base64UrlEncode(JSON.stringify(claims))}.${shiftCharacters(signature)}`;
}

/**
 * The stale look-alike of a credential value as it travels (`Bearer eyJ…`, a bare token, a cookie value,
 * URL-encoded or not): the scheme is kept, the token part is replaced.
 */
export function staleValue(value: string, now = Date.now()): string {
  const scheme = /^([A-Za-z][\w-]*\s+)(\S+)$/.exec(value);
  if (scheme) return scheme[1] + staleValue(scheme[2]!, now);
  let decoded = value;
  try {
    decoded = decodeURIComponent(value);
  } catch {}
  if (decoded !== value && jwtClaims(decoded)) return encodeURIComponent(staleJwt(decoded, now));
  if (jwtClaims(value)) return staleJwt(value, now);
  return shiftCharacters(value);
}

/** The token part of a credential value (without a scheme such as `Bearer`). */
export const tokenPart = (value: string) => /^[A-Za-z][\w-]*\s+(\S+)$/.exec(value)?.[1] ?? value;
