// Shared by the recipe tests (#16): each runs a real client library over `session.fetch` against the real auth
// server, plus a second real server on another port that stands for "another origin".
import { type AuthServer, startAuthServer } from '@expiryproof/auth-server';
import { HttpStatusError, type SessionOptions, type Tokens } from '@expiryproof/core';
import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import { type Echo, sessionFor, useAuthServer } from '../helpers.js';

export const STORM = 50;

/**
 * The API server (reset and logged in before each test, as in the other core tests) and a second real server:
 * another origin, which counts the Authorization headers it receives in its log.
 */
export function useServers() {
  const ctx = useAuthServer() as ReturnType<typeof useAuthServer> & { other: AuthServer };
  beforeAll(async () => {
    ctx.other = await startAuthServer();
  });
  afterAll(() => ctx.other.close());
  beforeEach(() => ctx.other.reset());
  return ctx;
}

/** How many requests that reached `server` carried an Authorization header. */
export const authorizationsAt = (server: AuthServer) =>
  server.log.filter((e) => e.bearer !== undefined).length;

/** Runs `n` calls at once and sorts out what came back. */
export async function storm<T>(n: number, call: (i: number) => Promise<T>) {
  const settled = await Promise.allSettled(Array.from({ length: n }, (_, i) => call(i)));
  const values = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const errors = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : []));
  return { values, errors };
}

/** Waits until `condition` holds (polling every 5 ms, at most `timeout` ms). */
export async function until(condition: () => boolean, timeout = 5_000): Promise<void> {
  const end = Date.now() + timeout;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A JSON body with non-ASCII text and a size above one TCP segment: replayed, it must arrive byte for byte. */
export const PAYLOAD = {
  title: 'Entwurf — größer als ein Paket ✓',
  lines: Array.from({ length: 300 }, (_, i) => `line ${i}: ${'x'.repeat(i % 17)}`),
};

/** What /api/echo received, decoded. */
export const echoedText = (echo: Echo) => Buffer.from(echo.base64, 'base64').toString('utf8');

/**
 * The hand-written refresh most interceptor snippets use: call the refresh endpoint with the refresh token held in a
 * variable, store the new pair. No coordination between concurrent callers.
 */
export function handWrittenTokens(origin: string, tokens: Tokens) {
  const state = { access: tokens.accessToken, refresh: tokens.refreshToken ?? '' };
  return {
    state,
    async refresh(): Promise<string> {
      const res = await fetch(`${origin}/auth/refresh`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ refreshToken: state.refresh }),
      });
      if (!res.ok) throw new HttpStatusError(res.status);
      const body = (await res.json()) as { accessToken: string; refreshToken: string };
      state.access = body.accessToken;
      state.refresh = body.refreshToken;
      return body.accessToken;
    },
  };
}

/** A GraphQL server's "not authenticated" answer: status 200, errors[].extensions.code = "UNAUTHENTICATED". */
export async function isGraphQLUnauthenticated(response: Response): Promise<boolean> {
  if (response.status === 401) return true;
  if (!response.headers.get('content-type')?.includes('json')) return false;
  const body = (await response.clone().json()) as { errors?: { extensions?: { code?: unknown } }[] };
  return body.errors?.some((error) => error.extensions?.code === 'UNAUTHENTICATED') ?? false;
}

export interface Sent {
  url: string;
  authorization: string | null;
  body: string | undefined;
  /** When the response was handed back to the session (after any hold). */
  deliveredAt: number;
}

/**
 * `sessionFor` with a recording transport (the session's `fetch` option): every request is recorded as it leaves
 * (URL, Authorization, body), and the answer to a request whose URL has a `hold` parameter is handed back only
 * after the session's refresh has finished. The server judged the token on arrival, so its refusal reaches the
 * session late: a straggler, deterministically, however slow the machine.
 */
export function recordedSession(
  server: Pick<AuthServer, 'origin'>,
  tokens: Tokens | undefined,
  options: Partial<SessionOptions> = {},
) {
  const sent: Sent[] = [];
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const transport: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const body = request.body ? await request.clone().text() : undefined;
    const response = await fetch(request);
    if (new URL(request.url).searchParams.has('hold')) await released;
    sent.push({
      url: request.url,
      authorization: request.headers.get('authorization'),
      body,
      deliveredAt: Date.now(),
    });
    return response;
  };
  const recorded = sessionFor(server, tokens, { fetch: transport, ...options });
  let refreshedAt = 0;
  recorded.session.on('refresh', () => {
    refreshedAt ||= Date.now();
    setTimeout(release, 10);
  });
  /** The held requests that went out with `accessToken`, each answered after the refresh had finished. */
  const stragglers = (accessToken: string) => {
    const held = sent.filter((s) => new URL(s.url).searchParams.has('hold'));
    const old = held.filter((s) => s.authorization === `Bearer ${accessToken}`);
    return {
      sent: old.length,
      late: old.filter((s) => refreshedAt > 0 && s.deliveredAt > refreshedAt).length,
    };
  };
  return { ...recorded, sent, stragglers };
}

/** Figures for the docs' tables; printed only with RECIPE_FIGURES=1. */
export function figures(label: string, values: Record<string, unknown>) {
  if (process.env.RECIPE_FIGURES) console.log(`[figures] ${label} ${JSON.stringify(values)}`);
}

/** The storm outcome every recipe must reach: all calls succeed on one refresh, none refused twice. */
export function expectOneRefreshAllSucceed(
  server: AuthServer,
  outcome: { values: unknown[]; errors: unknown[] },
) {
  expect(outcome.errors).toEqual([]);
  expect(outcome.values).toHaveLength(STORM);
  expect(server.stats()).toMatchObject({ refreshCalls: 1, reuseDetected: 0 });
}

/**
 * The straggler case every recipe must pass: five calls whose 401s the recording transport holds back until
 * the refresh has finished (`slow(i)` asks for `/api/slow?hold=1&i=…`), twenty ordinary calls meanwhile
 * (`fast(i)` asks for `/api/data?i=…`). All succeed on one refresh; the late 401s are replayed, not refreshed again.
 */
export async function expectStragglersReplayed(
  ctx: ReturnType<typeof useServers>,
  stragglers: (accessToken: string) => { sent: number; late: number },
  slow: (i: number) => Promise<unknown>,
  fast: (i: number) => Promise<unknown>,
) {
  ctx.server.expireAccessTokens();
  // The server refuses the old token at once; the transport hands these 401s back after the refresh.
  const held = storm(5, slow);
  await until(() => ctx.server.stats().apiCalls >= 5);
  const ordinary = await storm(20, fast);
  expect(ordinary.errors).toEqual([]);
  expect(ctx.server.stats().refreshCalls).toBe(1);
  const late = await held;
  expect(late.errors).toEqual([]);
  expect(late.values).toHaveLength(5);
  expect(stragglers(ctx.tokens.accessToken)).toEqual({ sent: 5, late: 5 });
  expect(ctx.server.sent('/api/slow').map((s) => s.status)).toEqual([
    ...Array(5).fill(401),
    ...Array(5).fill(200),
  ]);
  expect(ctx.server.stats()).toMatchObject({ refreshCalls: 1, reuseDetected: 0 });
}
