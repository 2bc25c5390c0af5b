// Recipe: openapi-fetch with `fetch: session.fetch` (#16), against the real openapi-fetch and the real auth server.
import createClient, { type Middleware } from 'openapi-fetch';
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

/** The test server's API as openapi-typescript would generate it (the parts used here). */
type Json<T> = { headers: { [name: string]: unknown }; content: { 'application/json': T } };
type Get<Query, Body> = {
  parameters: { query?: Query; header?: never; path?: never; cookie?: never };
  requestBody?: never;
  responses: { 200: Json<Body>; 401: Json<{ error: string }> };
};
type NoOther = {
  put?: never;
  post?: never;
  delete?: never;
  options?: never;
  head?: never;
  patch?: never;
  trace?: never;
};
type Params = { query?: never; header?: never; path?: never; cookie?: never };
type Data = { ok: boolean; user?: string; path?: string };
interface paths {
  '/api/data': { parameters: Params; get: Get<{ i?: number }, Data> } & NoOther;
  '/api/slow': { parameters: Params; get: Get<{ i?: number; hold?: number }, Data> } & NoOther;
  '/api/public': { parameters: Params; get: Get<never, Data> } & NoOther;
  '/api/echo': {
    parameters: Params;
    post: {
      parameters: Params;
      requestBody: { content: { 'application/json': typeof PAYLOAD } };
      responses: { 200: Json<Echo>; 401: Json<{ error: string }> };
    };
  } & Omit<NoOther, 'post'> & { get?: never };
}

const ctx = useServers();

/** The recipe, as docs/recipes/openapi-fetch.md shows it. */
function recipe(baseUrl = ctx.server.origin) {
  const { session, stragglers } = recordedSession(ctx.server, ctx.tokens);
  const client = createClient<paths>({ baseUrl, fetch: session.fetch });
  return { session, client, stragglers };
}

/** openapi-fetch does not throw on an error status: a call counts as a success when it got its data. */
async function ok<T>(call: Promise<{ data?: T; response: Response }>): Promise<T> {
  const { data, response } = await call;
  if (!response.ok || data === undefined) throw new Error(`status ${response.status}`);
  return data;
}

describe('openapi-fetch with fetch: session.fetch', () => {
  it(`${STORM} concurrent requests with an expired token: 1 refresh, ${STORM}/${STORM} succeed`, async () => {
    const { client } = recipe();
    ctx.server.expireAccessTokens();
    const outcome = await storm(STORM, (i) => ok(client.GET('/api/data', { params: { query: { i } } })));
    expectOneRefreshAllSucceed(ctx.server, outcome);
    expect(ctx.server.sent('/api/data')).toHaveLength(2 * STORM);
  });

  it('stragglers: 401s that arrive after the refresh finished are replayed without a second refresh', async () => {
    const { client, stragglers } = recipe();
    await expectStragglersReplayed(
      ctx,
      stragglers,
      (i) => ok(client.GET('/api/slow', { params: { query: { hold: 1, i } } })),
      (i) => ok(client.GET('/api/data', { params: { query: { i } } })),
    );
  });

  it('a POST body is replayed intact after a 401 (openapi-fetch hands fetch a Request)', async () => {
    const { client } = recipe();
    ctx.server.expireAccessTokens();
    const echo = await ok(client.POST('/api/echo', { body: PAYLOAD }));
    expect(echo.method).toBe('POST');
    expect(echo.contentType).toBe('application/json');
    expect(echoedText(echo)).toBe(JSON.stringify(PAYLOAD));
    expect(ctx.server.sent('/api/echo').map((s) => s.status)).toEqual([401, 200]);
    expect(ctx.server.stats().refreshCalls).toBe(1);
  });

  it('the token never goes to another origin, and a 401 from there refreshes nothing', async () => {
    const { client: other } = recipe(ctx.other.origin);
    ctx.server.expireAccessTokens();
    expect(await ok(other.GET('/api/public'))).toEqual({ ok: true });
    expect((await other.GET('/api/data')).response.status).toBe(401);
    expect(ctx.other.log).toHaveLength(2);
    expect(authorizationsAt(ctx.other)).toBe(0);
    expect(ctx.server.stats().refreshCalls).toBe(0);
  });

  it('openapi-fetch has no retry of its own: a replay refused again costs 2 requests', async () => {
    const { client } = recipe();
    ctx.server.expireAccessTokens();
    ctx.server.state.alwaysUnauthorized = true;
    const { error, response } = await client.GET('/api/data');
    expect(response.status).toBe(401);
    expect(error).toEqual({ error: 'invalid_token' });
    expect(ctx.server.sent('/api/data')).toHaveLength(2);
    expect(ctx.server.stats().refreshCalls).toBe(1);
  });

  it('negative control: an onResponse middleware that refreshes and resends fails the same storm', async () => {
    const hand = handWrittenTokens(ctx.server.origin, ctx.tokens);
    // The pattern openapi-fetch users write: the middleware API offers no way to resend, so they call fetch again.
    const auth: Middleware = {
      onRequest({ request }) {
        request.headers.set('authorization', `Bearer ${hand.state.access}`);
        return request;
      },
      async onResponse({ request, response, options }) {
        if (response.status !== 401) return undefined;
        const token = await hand.refresh();
        const retry = new Request(request, { headers: { authorization: `Bearer ${token}` } });
        return options.fetch(retry);
      },
    };
    const client = createClient<paths>({ baseUrl: ctx.server.origin });
    client.use(auth);
    ctx.server.expireAccessTokens();
    const outcome = await storm(STORM, (i) => ok(client.GET('/api/data', { params: { query: { i } } })));
    const { refreshCalls, reuseDetected } = ctx.server.stats();
    figures('openapi-fetch negative', {
      refreshCalls,
      reuseDetected,
      ok: outcome.values.length,
      failed: outcome.errors.length,
    });
    expect(refreshCalls).toBeGreaterThan(1);
    expect(outcome.errors.length).toBeGreaterThan(0);

    // And a POST cannot be resent from there at all: fetch consumed the request's body.
    ctx.server.reset();
    const fresh = await ctx.server.login();
    Object.assign(hand.state, { access: fresh.accessToken, refresh: fresh.refreshToken });
    ctx.server.expireAccessTokens();
    const post = await client.POST('/api/echo', { body: PAYLOAD }).catch((error: unknown) => error);
    figures('openapi-fetch negative POST', { result: String(post) });
    expect(post).toBeInstanceOf(TypeError);
  });
});
