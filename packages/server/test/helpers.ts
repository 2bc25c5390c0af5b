import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import {
  createAuthHandler,
  createTokenService,
  type IssuedTokens,
  type SigningKey,
  type TokenEvent,
  type TokenService,
} from '../src/index.js';
import { createSqliteStore, type SqliteStore } from '../src/sqlite.js';
import { listen } from './node-adapter.js';
import { type StoreHandle, sqliteHandle } from './store-handles.js';

export const USER = {
  username: 'ada@example.com',
  password: 'correct horse battery staple',
  subject: 'user-1',
};
export const SECRET = 'a test secret that is longer than thirty-two bytes';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A fresh temporary directory, removed after the test. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ep-server-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A SQLite store on a real file in a temporary directory, closed after the test. */
export function fileStore(name = 'auth.db'): { store: SqliteStore; file: string } {
  const file = join(tempDir(), name);
  const store = createSqliteStore({ filename: file });
  cleanups.push(() => store.close());
  return { store, file };
}

/** A clock the test moves by hand. */
export function manualClock(start = Date.now()) {
  const clock = { now: start, read: () => clock.now, advance: (ms: number) => (clock.now += ms) };
  return clock;
}

export interface WorldOptions {
  reuseInterval?: number;
  idempotencyInterval?: number;
  accessTtl?: number;
  refreshTtl?: number;
  keys?: SigningKey[];
  clock?: () => number;
  /** The store to serve from, with a way to look inside it. Default: SQLite in a temporary file. */
  store?: StoreHandle;
}

export interface Answer {
  status: number;
  headers: Headers;
  /** The raw body text, exactly as sent. */
  text: string;
}

/**
 * A real server on 127.0.0.1: the auth handler, plus `GET /api/me` protected by `authenticate`, over a
 * store (by default a SQLite file); the service's events recorded.
 */
export async function startWorld(options: WorldOptions = {}) {
  const handle = options.store ?? sqliteHandle(fileStore().store);
  const { store } = handle;
  const events: TokenEvent[] = [];
  const tokens: TokenService = createTokenService({
    store,
    keys: options.keys ?? [{ kid: 'k1', alg: 'HS256', secret: SECRET }],
    accessTtl: options.accessTtl ?? 60_000,
    refreshTtl: options.refreshTtl ?? 3_600_000,
    ...(options.reuseInterval === undefined ? {} : { reuseInterval: options.reuseInterval }),
    ...(options.idempotencyInterval === undefined
      ? {}
      : { idempotencyInterval: options.idempotencyInterval }),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    onEvent: (event) => events.push(event),
  });
  const auth = createAuthHandler({
    tokens,
    verifyPassword: ({ username, password }) =>
      username === USER.username && password === USER.password ? USER.subject : null,
  });
  const server = await listen(async (request) => {
    if (new URL(request.url).pathname !== '/api/me') return auth(request);
    const who = await auth.authenticate(request);
    return who.ok ? Response.json({ subject: who.subject }) : who.response;
  });
  cleanups.push(() => server.close());
  const { origin } = server;

  const call = async (path: string, init: RequestInit = {}): Promise<Answer> => {
    const res = await fetch(`${origin}${path}`, init);
    return { status: res.status, headers: res.headers, text: await res.text() };
  };
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    call(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });

  return {
    origin,
    store,
    tokens,
    events,
    call,
    post,
    count: (type: TokenEvent['type']) => events.filter((e) => e.type === type).length,
    async login(): Promise<IssuedTokens> {
      const answer = await post('/auth/login', { username: USER.username, password: USER.password });
      if (answer.status !== 200) throw new Error(`login answered ${answer.status}`);
      return JSON.parse(answer.text) as IssuedTokens;
    },
    refresh: (refreshToken: string, idempotencyKey?: string) =>
      post(
        '/auth/refresh',
        { refreshToken },
        idempotencyKey === undefined ? {} : { 'idempotency-key': idempotencyKey },
      ),
    me: (accessToken?: string) =>
      call(
        '/api/me',
        accessToken === undefined ? {} : { headers: { authorization: `Bearer ${accessToken}` } },
      ),
    /** One family's refresh tokens, oldest first, straight from the store. */
    tokensOf: (familyId: string) => handle.tokens(familyId),
    /** One family's record, straight from the store. */
    family: (familyId: string) => handle.family(familyId),
    /** Everything the store holds, as text. */
    dump: () => handle.dump(),
  };
}

export type World = Awaited<ReturnType<typeof startWorld>>;

/** The `sid` (family id) claim of an access token. */
export function familyOf(accessToken: string): string {
  const payload = JSON.parse(Buffer.from(accessToken.split('.')[1]!, 'base64url').toString()) as {
    sid: string;
  };
  return payload.sid;
}
