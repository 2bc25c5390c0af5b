import type { CredentialHint } from '../config/types.js';
import { jwtClaims, tokenPart } from '../fault/stale-value.js';

/** What carries the session on API requests. */
export type Credential =
  | { kind: 'header' /** lower case */; name: string }
  | { kind: 'cookie'; name: string }
  | { kind: 'query'; name: string };

/** An API request as sent, kept in memory only: its headers hold the credential. */
export interface SentRequest {
  method: string;
  url: string;
  headers: Readonly<Record<string, string>>;
}

export function describeCredential(credential: Credential): string {
  if (credential.kind === 'header')
    return credential.name === 'authorization' ? 'the Authorization header' : `the ${credential.name} header`;
  return credential.kind === 'cookie'
    ? `the ${credential.name} cookie`
    : `the ${credential.name} query parameter`;
}

export function fromHint(hint: CredentialHint): Credential {
  if ('header' in hint) return { kind: 'header', name: hint.header.toLowerCase() };
  if ('cookie' in hint) return { kind: 'cookie', name: hint.cookie };
  return { kind: 'query', name: hint.query };
}

/** Splits a Cookie header into name → value (the first of a name wins, as servers usually read it). */
export function parseCookieHeader(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    if (!cookies.has(name)) cookies.set(name, part.slice(eq + 1).trim());
  }
  return cookies;
}

/** The credential's value on a request, as sent (with its scheme, for a header), or undefined when absent. */
export function readCredential(credential: Credential, request: SentRequest): string | undefined {
  if (credential.kind === 'header') return request.headers[credential.name] || undefined;
  if (credential.kind === 'cookie') return parseCookieHeader(request.headers.cookie).get(credential.name);
  return new URL(request.url).searchParams.get(credential.name) ?? undefined;
}

/** The request with the credential replaced by `value`, or removed when `value` is undefined. */
export function withCredential(
  credential: Credential,
  request: SentRequest,
  value: string | undefined,
): SentRequest {
  if (credential.kind === 'query') {
    const url = new URL(request.url);
    if (value === undefined) url.searchParams.delete(credential.name);
    else url.searchParams.set(credential.name, value);
    return { ...request, url: url.href };
  }
  const headers = { ...request.headers };
  if (credential.kind === 'header') {
    if (value === undefined) delete headers[credential.name];
    else headers[credential.name] = value;
  } else {
    const cookies = parseCookieHeader(headers.cookie);
    if (value === undefined) cookies.delete(credential.name);
    else cookies.set(credential.name, value);
    if (cookies.size) headers.cookie = [...cookies].map(([n, v]) => `${n}=${v}`).join('; ');
    else delete headers.cookie;
  }
  return { ...request, headers };
}

/** Headers every browser or framework sends that never carry a session. */
const ORDINARY_HEADERS =
  /^(accept(-.*)?|content-(type|length|encoding|language)|user-agent|referer|origin|host|connection|cookie|cache-control|pragma|priority|dnt|if-.*|range|te|upgrade-insecure-requests|x-requested-with|sec-.*|traceparent|tracestate|baggage|x-request-id|x-correlation-id)$/;
/** Anti-CSRF values change at sign-in too, but they are not the session. */
const CSRF = /csrf|xsrf/i;
const SESSIONISH = /auth|token|session|sid|jwt|access|bearer|identity|api-?key/i;

const looksLikeToken = (value: string) => {
  const token = tokenPart(value);
  return token.length >= 16 && /^[A-Za-z0-9._~+/=%:-]+$/.test(token);
};

/**
 * Everything on the API requests seen after sign-in that may carry the session, most likely first:
 * `Authorization` (any scheme), then other non-standard headers, cookies that sign-in set or changed, and
 * query parameters, each only when its value looks like a token. Calibration then keeps the first one
 * whose stale look-alike the server rejects.
 */
export function credentialCandidates(
  requests: readonly SentRequest[],
  cookiesSetBySignIn: ReadonlySet<string>,
): Credential[] {
  const scored = new Map<string, { credential: Credential; score: number }>();
  const add = (credential: Credential, value: string, boost: number) => {
    if (!looksLikeToken(value)) return;
    const key = `${credential.kind}:${credential.name}`;
    const score = boost + (jwtClaims(tokenPart(value)) ? 4 : 0) + (SESSIONISH.test(credential.name) ? 2 : 0);
    const known = scored.get(key);
    if (!known || known.score < score) scored.set(key, { credential, score });
  };
  for (const request of requests) {
    for (const [name, value] of Object.entries(request.headers)) {
      if (name.startsWith(':') || CSRF.test(name)) continue;
      if (name === 'authorization') add({ kind: 'header', name }, value, 8);
      else if (!ORDINARY_HEADERS.test(name)) add({ kind: 'header', name }, value, 3);
    }
    for (const [name, value] of parseCookieHeader(request.headers.cookie)) {
      if (cookiesSetBySignIn.has(name) && !CSRF.test(name)) add({ kind: 'cookie', name }, value, 2);
    }
    for (const [name, value] of new URL(request.url).searchParams) {
      if (SESSIONISH.test(name)) add({ kind: 'query', name }, value, 0);
    }
  }
  return [...scored.values()].sort((a, b) => b.score - a.score).map((s) => s.credential);
}
