// Recipe: ofetch with `createFetch({ fetch: session.fetch })` (#16), against the real ofetch and the real auth server.
import { ExpiryproofError, SessionExpiredError } from '@expiryproof/core';
import { createFetch, FetchError, ofetch } from 'ofetch';
import { describe, expect, it } from 'vitest';
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
  useServers,
} from './harness.js';

const ctx = useServers();

/** The recipe, as docs/recipes/ofetch.md shows it. */
function recipe() {
  const { session, stragglers } = recordedSession(ctx.server, ctx.tokens);
  const api = createFetch({
    fetch: session.fetch,
    defaults: {
      baseURL: ctx.server.origin,
      // The session's errors are final: do not let ofetch resend the request (it retries a GET whose fetch threw).
      onRequestError: ({ error, options }) => {
        if (ExpiryproofError.is(error)) options.retry = false;
      },
    },
  });
  return { session, api, stragglers };
}

/** What an ofetch call failed with: ofetch wraps a thrown fetch error in a FetchError whose `cause` it is. */
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

describe('ofetch with createFetch({ fetch: session.fetch })', () => {
  it(`${STORM} concurrent requests with an expired token: 1 refresh, ${STORM}/${STORM} succeed`, async () => {
    const { api } = recipe();
    ctx.server.expireAccessTokens();
    const outcome = await storm(STORM, (i) => api('/api/data', { query: { i } }));
    expectOneRefreshAllSucceed(ctx.server, outcome);
    expect(ctx.server.sent('/api/data')).toHaveLength(2 * STORM);
  });

  it('stragglers: 401s that arrive after the refresh finished are replayed without a second refresh', async () => {
    const { api, stragglers } = recipe();
    await expectStragglersReplayed(
      ctx,
      stragglers,
      (i) => api('/api/slow', { query: { hold: 1, i } }),
      (i) => api('/api/data', { query: { i } }),
    );
  });

  it('a POST body (an object ofetch serialises) is replayed intact after a 401', async () => {
    const { api } = recipe();
    ctx.server.expireAccessTokens();
    const echo = await api<Echo>('/api/echo', { method: 'POST', body: PAYLOAD });
    expect(echo.method).toBe('POST');
    expect(echo.contentType).toBe('application/json');
    expect(echoedText(echo)).toBe(JSON.stringify(PAYLOAD));
    expect(ctx.server.sent('/api/echo').map((s) => s.status)).toEqual([401, 200]);
    expect(ctx.server.stats().refreshCalls).toBe(1);
  });

  it('the token never goes to another origin, and a 401 from there refreshes nothing', async () => {
    const { api } = recipe();
    ctx.server.expireAccessTokens();
    expect(await api(`${ctx.other.origin}/api/public`)).toEqual({ ok: true });
    const refused = await failure(api(`${ctx.other.origin}/api/data`));
    expect(refused instanceof FetchError && refused.statusCode).toBe(401);
    expect(ctx.other.log).toHaveLength(2);
    expect(authorizationsAt(ctx.other)).toBe(0);
    expect(ctx.server.stats().refreshCalls).toBe(0);
    await api('/api/data');
    expect(authorizationsAt(ctx.server)).toBe(2);
  });

  it('ofetch’s default retry leaves a refused replay alone, but resends a GET to an ended session unless told not to', async () => {
    const { session, api } = recipe();
    const plain = createFetch({ fetch: session.fetch, defaults: { baseURL: ctx.server.origin } });
    ctx.server.expireAccessTokens();
    ctx.server.state.alwaysUnauthorized = true;
    const refused = await failure(plain('/api/data'));
    expect(refused instanceof FetchError && refused.statusCode).toBe(401);
    expect(ctx.server.sent('/api/data')).toHaveLength(2);
    // The session has ended. fetch now rejects with SessionExpiredError, and ofetch resends a GET whose fetch threw
    // (default `retry: 1` for GET): 2 requests for one call, still no refresh.
    const next = await failure(plain('/api/data'));
    expect(next instanceof FetchError && SessionExpiredError.is(next.cause)).toBe(true);
    expect(ctx.server.sent('/api/data')).toHaveLength(4);
    // With the recipe's onRequestError hook, an error the session threw is final: 1 request.
    const last = await failure(api('/api/data'));
    expect(last instanceof FetchError && SessionExpiredError.is(last.cause)).toBe(true);
    expect(ctx.server.sent('/api/data')).toHaveLength(5);
    expect(ctx.server.stats().refreshCalls).toBe(1);
  });

  it('negative control: the retryStatusCodes [401] + onResponseError refresh pattern fails the same storm', async () => {
    const hand = handWrittenTokens(ctx.server.origin, ctx.tokens);
    const api = ofetch.create({
      baseURL: ctx.server.origin,
      retry: 1,
      retryStatusCodes: [401],
      onRequest: ({ options }) => void options.headers.set('authorization', `Bearer ${hand.state.access}`),
      onResponseError: async ({ response }) => {
        if (response.status === 401) await hand.refresh();
      },
    });
    ctx.server.expireAccessTokens();
    const outcome = await storm(STORM, (i) => api('/api/data', { query: { i } }));
    const { refreshCalls, reuseDetected } = ctx.server.stats();
    figures('ofetch negative', {
      refreshCalls,
      reuseDetected,
      ok: outcome.values.length,
      failed: outcome.errors.length,
    });
    expect(refreshCalls).toBeGreaterThan(1);
    expect(outcome.errors.length).toBeGreaterThan(0);
  });
});
