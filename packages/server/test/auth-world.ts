// A real server on 127.0.0.1 for the transport and guard tests: the auth handler with the options a test
// gives, over SQLite in memory, plus `GET /api/me` behind `authenticate`. Cookies are the test's business:
// `call` returns the Set-Cookie values parsed, and a request sends whatever `Cookie` header the test wrote.
import { afterEach } from 'vitest';
import {
  type AuthHandler,
  type AuthHandlerOptions,
  createAuthHandler,
  createTokenService,
  type TokenEvent,
} from '../src/index.js';
import { createSqliteStore } from '../src/sqlite.js';
import { SECRET, USER } from './helpers.js';
import { listen } from './node-adapter.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A `Set-Cookie` value taken apart: attribute names lower-cased, flags as `true`. */
export interface SetCookie {
  name: string;
  value: string;
  attributes: Map<string, string | true>;
  raw: string;
}

export function parseSetCookie(raw: string): SetCookie {
  const [pair = '', ...rest] = raw.split(';');
  const eq = pair.indexOf('=');
  const attributes = new Map<string, string | true>();
  for (const part of rest) {
    const at = part.indexOf('=');
    if (at < 0) attributes.set(part.trim().toLowerCase(), true);
    else attributes.set(part.slice(0, at).trim().toLowerCase(), part.slice(at + 1).trim());
  }
  return { name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim(), attributes, raw };
}

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  /** The Set-Cookie values, by cookie name. */
  cookies: Map<string, SetCookie>;
}

export interface AuthWorldOptions {
  /** Handler options over the defaults (`verifyPassword` accepts {@link USER} only). */
  auth?: Partial<AuthHandlerOptions>;
  /** The clock of both the token service and the handler's guards. */
  clock?: () => number;
  reuseInterval?: number;
}

export async function startAuthWorld(options: AuthWorldOptions = {}) {
  const store = createSqliteStore({ filename: ':memory:' });
  cleanups.push(() => store.close());
  const events: TokenEvent[] = [];
  const tokens = createTokenService({
    store,
    keys: [{ kid: 'k1', alg: 'HS256', secret: SECRET }],
    accessTtl: 60_000,
    refreshTtl: 3_600_000,
    ...(options.reuseInterval === undefined ? {} : { reuseInterval: options.reuseInterval }),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    onEvent: (event) => events.push(event),
  });
  const auth: AuthHandler = createAuthHandler({
    tokens,
    verifyPassword: ({ username, password }) =>
      username === USER.username && password === USER.password ? USER.subject : null,
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...options.auth,
  });
  const server = await listen(async (request, context) => {
    if (new URL(request.url).pathname !== '/api/me') return auth(request, context);
    const who = await auth.authenticate(request);
    return who.ok ? Response.json({ subject: who.subject }) : who.response;
  });
  cleanups.push(() => server.close());
  const { origin } = server;

  const call = async (path: string, init: RequestInit = {}): Promise<Reply> => {
    const res = await fetch(`${origin}${path}`, init);
    const cookies = new Map(
      res.headers.getSetCookie().map((raw) => [parseSetCookie(raw).name, parseSetCookie(raw)]),
    );
    return { status: res.status, headers: res.headers, text: await res.text(), cookies };
  };
  const post = (path: string, body?: unknown, headers: Record<string, string> = {}) =>
    call(path, {
      method: 'POST',
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const login = (username = USER.username, password = USER.password, headers: Record<string, string> = {}) =>
    post('/auth/login', { username, password }, headers);

  return {
    origin,
    auth,
    tokens,
    events,
    call,
    post,
    login,
    count: (type: TokenEvent['type']) => events.filter((e) => e.type === type).length,
    me: (accessToken: string) => call('/api/me', { headers: { authorization: `Bearer ${accessToken}` } }),
  };
}

export type AuthWorld = Awaited<ReturnType<typeof startAuthWorld>>;

/** A `Cookie` header of name → value. */
export const cookieHeader = (cookies: Record<string, string>) =>
  Object.entries(cookies)
    .map(([name, value]) => `${name}=${value}`)
    .join('; ');
