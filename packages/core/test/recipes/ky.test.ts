// Recipe: ky with `fetch: session.fetch` (#16), against the real ky and the real auth server.
import { SessionExpiredError } from '@expiryproof/core';
import ky, { isHTTPError, isTimeoutError } from 'ky';
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
  until,
  useServers,
} from './harness.js';

const ctx = useServers();

/** The recipe, as docs/recipes/ky.md shows it. */
function recipe(options: Parameters<typeof ky.create>[0] = {}) {
  const { session, stragglers } = recordedSession(ctx.server, ctx.tokens);
  const api = ky.create({ baseUrl: ctx.server.origin, fetch: session.fetch, ...options });
  return { session, api, stragglers };
}

describe('ky with fetch: session.fetch', () => {
  it(`${STORM} concurrent requests with an expired token: 1 refresh, ${STORM}/${STORM} succeed`, async () => {
    const { api } = recipe();
    ctx.server.expireAccessTokens();
    const outcome = await storm(STORM, (i) => api.get('api/data', { searchParams: { i } }).json());
    expectOneRefreshAllSucceed(ctx.server, outcome);
    expect(ctx.server.sent('/api/data')).toHaveLength(2 * STORM);
  });

  it('stragglers: 401s that arrive after the refresh finished are replayed without a second refresh', async () => {
    const { api, stragglers } = recipe();
    await expectStragglersReplayed(
      ctx,
      stragglers,
      (i) => api.get('api/slow', { searchParams: { hold: 1, i } }).json(),
      (i) => api.get('api/data', { searchParams: { i } }).json(),
    );
  });

  it('a POST body (ky `json`) is replayed intact after a 401', async () => {
    const { api } = recipe();
    ctx.server.expireAccessTokens();
    const echo = await api.post('api/echo', { json: PAYLOAD }).json<Echo>();
    expect(echo.method).toBe('POST');
    expect(echo.contentType).toContain('application/json');
    expect(echoedText(echo)).toBe(JSON.stringify(PAYLOAD));
    expect(ctx.server.sent('/api/echo').map((s) => s.status)).toEqual([401, 200]);
    expect(ctx.server.stats().refreshCalls).toBe(1);
  });

  it('the token never goes to another origin, and a 401 from there refreshes nothing', async () => {
    const { api } = recipe();
    ctx.server.expireAccessTokens();
    expect(await api.get(`${ctx.other.origin}/api/public`).json()).toEqual({ ok: true });
    const refused = await api
      .get(`${ctx.other.origin}/api/data`)
      .json()
      .catch((error: unknown) => error);
    expect(isHTTPError(refused) && refused.response.status).toBe(401);
    expect(ctx.other.log).toHaveLength(2);
    expect(authorizationsAt(ctx.other)).toBe(0);
    expect(ctx.server.stats().refreshCalls).toBe(0);
    // The API itself still gets the token (and recovers).
    await api.get('api/data').json();
    expect(authorizationsAt(ctx.server)).toBe(2);
  });

  it('ky’s default retry leaves 401 alone: a replay refused again costs 2 requests, and nothing more after', async () => {
    const { api } = recipe();
    ctx.server.expireAccessTokens();
    ctx.server.state.alwaysUnauthorized = true;
    const refused = await api
      .get('api/data')
      .json()
      .catch((error: unknown) => error);
    expect(isHTTPError(refused) && refused.response.status).toBe(401);
    expect(ctx.server.sent('/api/data')).toHaveLength(2);
    // The session has ended: the next call is sent once and rejects with SessionExpiredError, which ky does not retry.
    const next = await api
      .get('api/data')
      .json()
      .catch((error: unknown) => error);
    expect(SessionExpiredError.is(next)).toBe(true);
    expect(ctx.server.sent('/api/data')).toHaveLength(3);
    expect(ctx.server.stats().refreshCalls).toBe(1);
  });

  it('ky’s `timeout` counts the wait for a refresh: a call that times out leaves the one refresh to finish', async () => {
    const { api } = recipe({ timeout: 150 });
    ctx.server.expireAccessTokens();
    ctx.server.state.refreshDelayMs = 400;
    const timedOut = await api
      .get('api/data')
      .json()
      .catch((error: unknown) => error);
    expect(isTimeoutError(timedOut)).toBe(true);
    await until(() => ctx.server.stats().refreshSucceeded === 1);
    expect(await api.get('api/data').json()).toMatchObject({ ok: true });
    expect(ctx.server.stats()).toMatchObject({ refreshCalls: 1, reuseDetected: 0 });
  });

  it('negative control: ky’s documented afterResponse refresh hook fails the same storm', async () => {
    const hand = handWrittenTokens(ctx.server.origin, ctx.tokens);
    // The "retry with a fresh token on a 401" example from ky's own documentation of `afterResponse`.
    const api = ky.create({
      baseUrl: ctx.server.origin,
      hooks: {
        beforeRequest: [
          ({ request }) => void request.headers.set('authorization', `Bearer ${hand.state.access}`),
        ],
        afterResponse: [
          async ({ request, response, retryCount }) => {
            if (response.status === 401 && retryCount === 0) {
              const token = await hand.refresh();
              const headers = new Headers(request.headers);
              headers.set('Authorization', `Bearer ${token}`);
              return ky.retry({ request: new Request(request, { headers }), code: 'TOKEN_REFRESHED' });
            }
          },
        ],
      },
    });
    ctx.server.expireAccessTokens();
    const outcome = await storm(STORM, (i) => api.get('api/data', { searchParams: { i } }).json());
    const { refreshCalls, reuseDetected } = ctx.server.stats();
    figures('ky negative', {
      refreshCalls,
      reuseDetected,
      ok: outcome.values.length,
      failed: outcome.errors.length,
    });
    expect(refreshCalls).toBeGreaterThan(1);
    expect(outcome.errors.length).toBeGreaterThan(0);
  });
});
