import type { IssuedTokens } from '../types.js';
import { type CookieAttributes, readCookies, serializeCookie } from './cookies.js';
import { isHttps } from './forwarded.js';
import { type HttpAnswer, jsonAnswer } from './semantics.js';

/** Options of {@link createCookieTransport}. */
export interface CookieTransportOptions {
  /** The refresh cookie's `Path`: the handler's base path, so the token goes to its endpoints only. */
  path: string;
  refreshCookie: string;
  csrfCookie: string;
  /** Both cookies' lifetime, ms. */
  maxAge: number;
  trustProxy: boolean;
}

/**
 * The refresh token in a cookie: `HttpOnly` (no script reads it), `SameSite=Strict`, `Path` = the endpoints,
 * `Secure` whenever the request came over HTTPS (directly, or through a trusted proxy that says so). The CSRF
 * cookie beside it is readable by the page (`Path=/`, not `HttpOnly`), which echoes it in `X-CSRF-Token`.
 * Token answers then carry the access token only: the refresh token never appears in a body.
 */
export function createCookieTransport(options: CookieTransportOptions) {
  const seconds = Math.floor(options.maxAge / 1000);
  const attributes = (request: Request, httpOnly: boolean, maxAge: number): CookieAttributes => ({
    path: httpOnly ? options.path : '/',
    maxAge,
    httpOnly,
    secure: isHttps(request, options.trustProxy),
  });

  return {
    /** The refresh token the request carries (the first, if several cookies share the name). */
    refreshToken(request: Request): string | undefined {
      return readCookies(request.headers.get('cookie'), options.refreshCookie)[0];
    },

    /** 200 with the access token in the body and both cookies set (`csrf`: the double-submit value). */
    answer(request: Request, tokens: IssuedTokens, csrf: string): HttpAnswer {
      const { accessToken, tokenType, expiresIn, expiresAt } = tokens;
      return {
        ...jsonAnswer(200, { accessToken, tokenType, expiresIn, expiresAt }),
        setCookie: [
          serializeCookie(options.refreshCookie, tokens.refreshToken, attributes(request, true, seconds)),
          serializeCookie(options.csrfCookie, csrf, attributes(request, false, seconds)),
        ],
      };
    },

    /** `Set-Cookie` values that delete both cookies. */
    clear(request: Request): string[] {
      return [
        serializeCookie(options.refreshCookie, '', attributes(request, true, 0)),
        serializeCookie(options.csrfCookie, '', attributes(request, false, 0)),
      ];
    },
  };
}

export type CookieTransport = ReturnType<typeof createCookieTransport>;
