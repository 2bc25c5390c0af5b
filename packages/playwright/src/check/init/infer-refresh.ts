import { parseCookieHeader } from '../discover/credential.js';
import { isSuccess, type Traffic } from './traffic.js';
import type { Inferred, SeenRequest } from './types.js';
import { pathGlob, sameSite } from './url-glob.js';

/** What a config says when nothing better is known: the most common refresh path. */
export const DEFAULT_REFRESH = '**/auth/refresh';
const SIGN_OUT = /log-?out|sign-?out/i;
const SCRIPT_FILE = /\.(m?js|css|map|json|html?)$/i;

/**
 * The refresh call: a request (not the sign-in) that answered 2xx with a new credential — a cookie the API
 * requests then send, or a token-like field in its JSON — seen during sign-in or after. When none was seen
 * (most apps refresh only once the token expires), the likeliest guess: a URL seen that names refresh or
 * token, then a path the app's scripts name, then `**\/auth/refresh`.
 */
export function inferRefresh(
  traffic: Traffic,
  origin: string,
  literals: readonly string[],
): Inferred<string> & { request: SeenRequest | undefined } {
  const request = traffic.app.find((candidate) => answersWithCredential(candidate, traffic.app));
  if (request) {
    const how = request.tokenFields.length
      ? `${request.tokenFields.join(', ')} in its JSON answer`
      : `it set the ${sentCookies(request, traffic.app).join(', ')} cookie the API requests then sent`;
    const path = new URL(request.url).pathname;
    return {
      value: pathGlob(request.url),
      seen: true,
      why: `${request.method} ${path} answered with a new credential (${how})`,
      request,
    };
  }
  const named = (pattern: RegExp) =>
    traffic.all.find(
      (r) =>
        r !== traffic.signIn &&
        !r.carriesPassword &&
        (r.type === 'fetch' || r.type === 'xhr') &&
        sameSite(r.url, origin) &&
        pattern.test(new URL(r.url).pathname),
    );
  const seenNamed = named(/refresh/i) ?? named(/token/i);
  if (seenNamed) {
    const path = new URL(seenNamed.url).pathname;
    return {
      value: pathGlob(seenNamed.url),
      seen: false,
      why: `no request answered with a new credential while init watched; ${seenNamed.method} ${path} (answered ${seenNamed.status ?? 'nothing'}) is the likeliest refresh call`,
      request: undefined,
    };
  }
  const literal = likeliestLiteral(literals, origin);
  if (literal)
    return {
      value: pathGlob(literal),
      seen: false,
      why: `no refresh call was seen while init watched (apps refresh once the token expires); the app's scripts name ${new URL(literal).pathname}, the likeliest one`,
      request: undefined,
    };
  return {
    value: DEFAULT_REFRESH,
    seen: false,
    why: 'no refresh call was seen while init watched and the app names none init could find; this is the most common path',
    request: undefined,
  };
}

function answersWithCredential(request: SeenRequest, app: readonly SeenRequest[]): boolean {
  if (request.carriesPassword || !isSuccess(request) || SIGN_OUT.test(request.url)) return false;
  // A GET answers with data; only one that names itself a refresh or token call is taken as one.
  if (request.method === 'GET' && !/refresh|token/i.test(new URL(request.url).pathname)) return false;
  return request.tokenFields.length > 0 || sentCookies(request, app).length > 0;
}

/** Cookies this request's answer set that a later request to another URL sent. */
function sentCookies(request: SeenRequest, app: readonly SeenRequest[]): string[] {
  const later = app.filter((r) => r.startedAt > request.startedAt && r.url !== request.url);
  return request.setCookies.filter((name) =>
    later.some((r) => parseCookieHeader(r.headers.cookie).has(name)),
  );
}

/** The app's own path literal most like a refresh endpoint, as an absolute URL. */
function likeliestLiteral(literals: readonly string[], origin: string): string | undefined {
  const urls = literals
    .filter(
      (literal) => /refresh|token/i.test(literal) && !SCRIPT_FILE.test(literal) && !SIGN_OUT.test(literal),
    )
    .map((literal) => new URL(literal, origin).href)
    .filter((url) => sameSite(url, origin));
  const score = (url: string) => {
    const path = new URL(url).pathname;
    return (
      (/refresh/i.test(path) ? 4 : 0) + (/auth|session/i.test(path) ? 2 : 0) + (/token/i.test(path) ? 1 : 0)
    );
  };
  // Stable: among equals, the one the scripts name most (literals come most-mentioned first).
  return [...urls].sort((a, b) => score(b) - score(a))[0];
}
