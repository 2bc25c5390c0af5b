import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readCookies } from './cookies.js';
import { ownOrigin } from './forwarded.js';
import type { CsrfFailure } from './semantics.js';

/** Options of {@link createCsrfGuard}. */
export interface CsrfGuardOptions {
  /** Origins allowed to refresh and log out; `undefined`: the request's own origin only. */
  allowedOrigins: readonly string[] | undefined;
  trustProxy: boolean;
  /** The double-submit cookie's name. */
  cookieName: string;
}

/** A request that passed: `token` is the double-submit value it echoed. */
export type CsrfCheck = { ok: true; token: string } | { ok: false; reason: CsrfFailure };

/** A new double-submit value: 256 random bits, base64url. */
export const newCsrfToken = (): string => randomBytes(32).toString('base64url');

/** `https://A.example:443/x` → `https://a.example`; `undefined` when it is not a URL with an origin. */
function originOf(value: string): string | undefined {
  try {
    const origin = new URL(value).origin;
    return origin === 'null' ? undefined : origin;
  } catch {
    return undefined;
  }
}

/** Equal strings, in time that depends on neither (both are hashed to 32 bytes first). */
function sameSecret(a: string, b: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(a), digest(b));
}

/**
 * CSRF protection for the cookie-carried refresh token, in two independent checks:
 * 1. the request's `Origin` (or, when a browser sent none, `Referer`'s origin) is an allowed origin — which
 *    refuses a same-site page on another port or subdomain, where `SameSite` does not help;
 * 2. double submit: the `X-CSRF-Token` header equals the CSRF cookie. Another origin can neither set that
 *    header without a CORS preflight this handler never grants, nor (cross-site) read the cookie.
 */
export function createCsrfGuard(options: CsrfGuardOptions) {
  const allowed = options.allowedOrigins?.map((origin) => {
    const normalized = originOf(origin);
    if (normalized === undefined) throw new TypeError(`allowedOrigins: not an origin: ${origin}`);
    return normalized;
  });

  function originFailure(request: Request): CsrfFailure | undefined {
    const origin = request.headers.get('origin');
    const referer = request.headers.get('referer');
    if (origin === null && referer === null) return 'origin-missing';
    const from = originOf(origin ?? referer ?? '');
    const permitted = allowed ?? [ownOrigin(request, options.trustProxy)];
    return from !== undefined && permitted.includes(from) ? undefined : 'origin-not-allowed';
  }

  return {
    check(request: Request): CsrfCheck {
      const refused = originFailure(request);
      if (refused) return { ok: false, reason: refused };
      const header = request.headers.get('x-csrf-token')?.trim();
      const cookies = readCookies(request.headers.get('cookie'), options.cookieName);
      if (!header || cookies.length === 0) return { ok: false, reason: 'token-missing' };
      // Every value is compared, so the answer's timing does not depend on which one matched.
      const matched = cookies.map((cookie) => sameSecret(cookie, header)).includes(true);
      return matched ? { ok: true, token: header } : { ok: false, reason: 'token-mismatch' };
    },
  };
}
