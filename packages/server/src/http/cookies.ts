// Cookie headers, read and written: only what the refresh-token transport needs (RFC 6265).

/** A cookie name: an RFC 7230 token. */
const NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Throws unless `name` can be a cookie name. */
export function assertCookieName(name: string, option: string): void {
  if (!NAME.test(name)) throw new TypeError(`${option} must be a cookie name (an HTTP token)`);
}

/** The values of every cookie called `name` in a `Cookie` header, in the order sent (duplicates happen). */
export function readCookies(header: string | null, name: string): string[] {
  const values: string[] = [];
  for (const pair of (header ?? '').split(';')) {
    const eq = pair.indexOf('=');
    if (eq < 0 || pair.slice(0, eq).trim() !== name) continue;
    let value = pair.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    if (value !== '') values.push(value);
  }
  return values;
}

/** Attributes of a cookie this package sets. Always `SameSite=Strict`. */
export interface CookieAttributes {
  path: string;
  /** Seconds; 0 deletes the cookie. */
  maxAge: number;
  httpOnly: boolean;
  secure: boolean;
}

/** A `Set-Cookie` value. `value` must be cookie-safe already (ours are base64url). */
export function serializeCookie(name: string, value: string, attributes: CookieAttributes): string {
  const parts = [`${name}=${value}`, `Path=${attributes.path}`, `Max-Age=${Math.floor(attributes.maxAge)}`];
  if (attributes.maxAge <= 0) parts.push('Expires=Thu, 01 Jan 1970 00:00:00 GMT');
  if (attributes.httpOnly) parts.push('HttpOnly');
  if (attributes.secure) parts.push('Secure');
  parts.push('SameSite=Strict');
  return parts.join('; ');
}
