// Recipe: TanStack Query with queryFns over `session.fetch` and a `retry` that leaves the session's verdicts alone
// (#16), against the real @tanstack/query-core QueryClient (no framework) and the real auth server.
import { ExpiryproofError, HttpStatusError, SessionExpiredError } from '@expiryproof/core';
import { environmentManager, MutationObserver, QueryCache, QueryClient } from '@tanstack/query-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Echo } from '../helpers.js';
import {
  authorizationsAt,
  echoedText,
  expectOneRefreshAllSucceed,
  expectStragglersReplayed,
  figures,
  handWrittenTokens,
  PAYLOAD,
  recordedSession,
  STORM,
  storm,
  until,
  useServers,
} from './harness.js';

/** The `retry` of docs/recipes/tanstack-query.md, as written there. */
function retry(failureCount: number, error: unknown): boolean {
  const { status, response } = (error ?? {}) as { status?: unknown; response?: { status?: unknown } };
  const code = status ?? response?.status;
  // A 401 that came through session.fetch was already refreshed and replayed once; a 403 is about permissions.
  if (code === 401 || code === 403) return false;
  // The session's own verdicts (expired, refresh timed out, body not replayable) do not change on a retry.
  if (code === undefined && ExpiryproofError.is(error)) return false;
  return failureCount < 3; // TanStack Query's default for everything else
}

const ctx = useServers();
const clients: QueryClient[] = [];

// TanStack Query retries 3 times in a browser and never on a server (no `window`): behave as in a browser.
beforeAll(() => environmentManager.setIsServer(() => false));
afterAll(() => environmentManager.setIsServer(() => true));
afterEach(() => {
  for (const client of clients.splice(0)) client.clear();
});

/** The recipe: queryFns that call session.fetch and throw HttpStatusError on a failed status. */
function recipe(options: { retry?: typeof retry | number; retryDelay?: number } = { retry }) {
  const { session, stragglers } = recordedSession(ctx.server, ctx.tokens);
  async function getJson<T>(url: string, init?: RequestInit): Promise<T> {
    const res = await session.fetch(url, init);
    if (!res.ok) throw new HttpStatusError(res.status);
    return (await res.json()) as T;
  }
  const queryClient = new QueryClient({ defaultOptions: { queries: options } });
  clients.push(queryClient);
  const query = (path: string) =>
    queryClient.fetchQuery({ queryKey: [path], queryFn: () => getJson(`${ctx.server.origin}${path}`) });
  return { session, queryClient, getJson, query, stragglers };
}

describe('TanStack Query over session.fetch, with the documented retry', () => {
  it('a query and a mutation survive an expiry with one refresh', async () => {
    const { queryClient, getJson, query } = recipe();
    const save = new MutationObserver(queryClient, {
      mutationFn: (note: typeof PAYLOAD) =>
        getJson<Echo>(`${ctx.server.origin}/api/echo`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(note),
        }),
    });
    ctx.server.expireAccessTokens();
    const [data, echo] = await Promise.all([query('/api/data'), save.mutate(PAYLOAD)]);
    expect(data).toMatchObject({ ok: true, user: 'demo@example.com' });
    expect(echoedText(echo)).toBe(JSON.stringify(PAYLOAD));
    expect(ctx.server.sent('/api/data').map((s) => s.status)).toEqual([401, 200]);
    expect(ctx.server.sent('/api/echo').map((s) => s.status)).toEqual([401, 200]);
    expect(ctx.server.stats()).toMatchObject({ refreshCalls: 1, reuseDetected: 0 });
  });

  it(`${STORM} concurrent queries with an expired token: 1 refresh, ${STORM}/${STORM} succeed`, async () => {
    const { query } = recipe();
    ctx.server.expireAccessTokens();
    const outcome = await storm(STORM, (i) => query(`/api/data?i=${i}`));
    expectOneRefreshAllSucceed(ctx.server, outcome);
    expect(ctx.server.sent('/api/data')).toHaveLength(2 * STORM);
  });

  it('stragglers: 401s that arrive after the refresh finished are replayed without a second refresh', async () => {
    const { query, stragglers } = recipe();
    await expectStragglersReplayed(
      ctx,
      stragglers,
      (i) => query(`/api/slow?hold=1&i=${i}`),
      (i) => query(`/api/data?i=${i}`),
    );
  });

  it('the token never goes to another origin; its 401 is not retried and refreshes nothing', async () => {
    const { queryClient, getJson } = recipe();
    ctx.server.expireAccessTokens();
    const error = await queryClient
      .fetchQuery({ queryKey: ['other'], queryFn: () => getJson(`${ctx.other.origin}/api/data`) })
      .catch((e: unknown) => e);
    expect(HttpStatusError.is(error) && error.status).toBe(401);
    expect(ctx.other.log).toHaveLength(1);
    expect(authorizationsAt(ctx.other)).toBe(0);
    expect(ctx.server.stats().refreshCalls).toBe(0);
  });

  it('the default retry (3) resends what the session already settled; the documented retry does not', async () => {
    // Default count, with the delay cut from 1 s + 2 s + 4 s to 1 ms to keep the test short.
    const byDefault = recipe({ retry: 3, retryDelay: 1 });
    ctx.server.expireAccessTokens();
    ctx.server.state.alwaysUnauthorized = true;
    const first = await byDefault.query('/api/data').catch((e: unknown) => e);
    // The 401 after the refresh and replay, then three retries: each is sent once more and ends in SessionExpiredError.
    expect(SessionExpiredError.is(first)).toBe(true);
    const withDefault = ctx.server.sent('/api/data').length;

    ctx.server.reset();
    const fresh = await ctx.server.login();
    const documented = recipe();
    documented.session.setTokens({ accessToken: fresh.accessToken, refreshToken: fresh.refreshToken });
    ctx.server.expireAccessTokens();
    ctx.server.state.alwaysUnauthorized = true;
    const second = await documented.query('/api/data').catch((e: unknown) => e);
    expect(HttpStatusError.is(second) && second.status).toBe(401);
    const withDocumented = ctx.server.sent('/api/data').length;
    // Once the session has ended, its SessionExpiredError is not retried either: one request.
    const third = await documented.query('/api/data').catch((e: unknown) => e);
    expect(SessionExpiredError.is(third)).toBe(true);
    figures('tanstack retry', { withDefault, withDocumented });
    expect(withDefault).toBe(5);
    expect(withDocumented).toBe(2);
    expect(ctx.server.sent('/api/data')).toHaveLength(3);
    expect(ctx.server.stats().refreshCalls).toBe(1);
  });

  it('negative control: a plain-fetch queryFn with QueryCache onError → refresh fails the same storm', async () => {
    const hand = handWrittenTokens(ctx.server.origin, ctx.tokens);
    const queryClient: QueryClient = new QueryClient({
      // The default 3 retries (1 ms apart here), then the cache-level handler refreshes and refetches.
      defaultOptions: { queries: { retry: 3, retryDelay: 1 } },
      queryCache: new QueryCache({
        onError: (error) => {
          if (HttpStatusError.is(error) && error.status === 401) {
            hand.refresh().then(
              () => queryClient.invalidateQueries(),
              () => undefined,
            );
          }
        },
      }),
    });
    clients.push(queryClient);
    const queryFn = async (path: string) => {
      const res = await fetch(`${ctx.server.origin}${path}`, {
        headers: { authorization: `Bearer ${hand.state.access}` },
      });
      if (!res.ok) throw new HttpStatusError(res.status);
      return (await res.json()) as unknown;
    };
    ctx.server.expireAccessTokens();
    const outcome = await storm(STORM, (i) =>
      queryClient.fetchQuery({ queryKey: ['data', i], queryFn: () => queryFn(`/api/data?i=${i}`) }),
    );
    // Every failed query's handler refreshes on its own: wait for all of them.
    await until(() => ctx.server.stats().refreshCalls >= STORM);
    const { refreshCalls, reuseDetected } = ctx.server.stats();
    figures('tanstack negative', {
      refreshCalls,
      reuseDetected,
      requests: ctx.server.sent('/api/data').length,
      ok: outcome.values.length,
      failed: outcome.errors.length,
    });
    expect(outcome.errors.length).toBeGreaterThan(0);
    expect(refreshCalls).toBeGreaterThan(1);
  });
});
