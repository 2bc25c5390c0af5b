// @expiryproof/angular in a real browser: Angular's real HttpClient (the default XHR backend, and withFetch())
// against the real auth server, behind a real node:http server that serves the page (same origin). Every verdict
// comes from the server: its own token expiry (`expireAccessTokens`), revocation, request log and refresh counts.
// A hand-written tutorial interceptor runs the storm too, and must fail it, or the storm would prove nothing.
import { expect, type Page, test } from '@playwright/test';
import type { Harness, Result, Setup } from './page/app.js';
import { type Servers, startServers } from './servers.js';

const STORM = 50;
/** A JSON body with non-ASCII text and a size above one TCP segment: replayed, it must arrive byte for byte. */
const PAYLOAD = {
  title: 'Entwurf — größer als ein Paket ✓',
  lines: Array.from({ length: 300 }, (_, i) => `line ${i}: ${'x'.repeat(i % 17)}`),
};
const BYTES = Array.from({ length: 4096 }, (_, i) => (i * 7) % 256);

let servers: Servers;
test.beforeAll(async () => {
  servers = await startServers();
});
test.afterAll(() => servers.close());

type Tokens = Setup['tokens'];
let tokens: Tokens;
test.beforeEach(async () => {
  servers.api.reset();
  servers.otherSaw.length = 0;
  const { accessToken, refreshToken } = await servers.api.login();
  tokens = { accessToken, refreshToken };
});

/** Calls a function of the page's harness (test/page/app.ts) with plain-data arguments. */
function call<K extends keyof Harness>(
  page: Page,
  name: K,
  ...args: Parameters<Harness[K]>
): Promise<Awaited<ReturnType<Harness[K]>>> {
  return page.evaluate(
    ({ name, args }) => {
      const harness = (window as unknown as { harness: Record<string, (...a: unknown[]) => unknown> })
        .harness;
      return harness[name]?.(...args);
    },
    { name, args: args as unknown[] },
  ) as Promise<Awaited<ReturnType<Harness[K]>>>;
}

async function open(page: Page, setup: Omit<Setup, 'tokens'>) {
  await page.goto(servers.origin);
  await page.waitForFunction(() => 'harness' in window);
  await call(page, 'setup', { ...setup, tokens });
}

const okCount = (results: Result[]) => results.filter((r) => r.ok).length;
const statuses = (path: string) => servers.api.sent(path).map((entry) => entry.status);
const until = async (condition: () => boolean, timeout = 5_000) => {
  const end = Date.now() + timeout;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
};

for (const backend of ['xhr', 'fetch'] as const) {
  test.describe(`HttpClient with the ${backend === 'xhr' ? 'default XHR backend' : 'withFetch() backend'}`, () => {
    test(`${STORM} concurrent requests with an expired token: 1 refresh, ${STORM}/${STORM} succeed`, async ({
      page,
    }) => {
      await open(page, { backend });
      servers.api.expireAccessTokens();
      const results = await call(page, 'storm', STORM, '/api/data?i=');
      expect(results.filter((r) => !r.ok)).toEqual([]);
      expect(okCount(results)).toBe(STORM);
      expect(results.every((r) => r.ok && (r.body as { user?: string }).user === 'demo@example.com')).toBe(
        true,
      );
      expect(servers.api.stats()).toMatchObject({ refreshCalls: 1, reuseDetected: 0 });
      expect(statuses('/api/data').filter((s) => s === 200)).toHaveLength(STORM);
      // The backend under test really carried them.
      const initiators = await call(page, 'initiators');
      expect(initiators).toEqual([backend === 'xhr' ? 'xmlhttprequest' : 'fetch']);
      console.log(`[figures] ${backend} storm: refreshCalls=${servers.api.stats().refreshCalls}`);
    });

    test('stragglers: 401s that arrive after the refresh are replayed without a second refresh', async ({
      page,
    }) => {
      await open(page, { backend });
      servers.api.expireAccessTokens();
      // The server judges the token on arrival and answers after 2 s: these 401s come back late.
      await call(page, 'start', 'slow', 5, '/api/slow?delay=2000&i=');
      await until(() => servers.api.stats().apiCalls >= 5);
      const fast = await call(page, 'storm', 20, '/api/data?i=');
      expect(okCount(fast)).toBe(20);
      expect(servers.api.stats().refreshCalls).toBe(1);
      const slow = await call(page, 'settle', 'slow');
      expect(okCount(slow)).toBe(5);
      expect(statuses('/api/slow')).toEqual([...Array(5).fill(401), ...Array(5).fill(200)]);
      // They went out with the old token, and their 401s were answered after the refresh had finished.
      const log = servers.api.log;
      const refreshed = log.findIndex((entry) => entry.path === '/auth/refresh');
      const late = log.flatMap((entry, i) => (entry.path === '/api/slow' && entry.status === 401 ? [i] : []));
      expect(late.every((i) => i > refreshed)).toBe(true);
      expect(
        new Set(
          servers.api
            .sent('/api/slow')
            .slice(0, 5)
            .map((e) => e.bearer),
        ),
      ).toEqual(new Set([tokens.accessToken.slice(-8)]));
      expect(servers.api.stats()).toMatchObject({ refreshCalls: 1, reuseDetected: 0 });
    });

    test('a POST body is replayed byte for byte: JSON and binary', async ({ page }) => {
      await open(page, { backend });
      type Echo = { method: string; contentType: string | null; base64: string };
      servers.api.expireAccessTokens();
      const json = await call(page, 'send', '/api/echo', { method: 'POST', body: PAYLOAD });
      servers.api.expireAccessTokens();
      const binary = await call(page, 'send', '/api/echo', { method: 'POST', bytes: BYTES });
      if (!json.ok || !binary.ok) throw new Error(`failed: ${JSON.stringify([json, binary])}`);
      const echoed = (result: Result) => Buffer.from((result as { body: Echo }).body.base64, 'base64');
      expect((json.body as Echo).contentType).toContain('application/json');
      expect(echoed(json).toString('utf8')).toBe(JSON.stringify(PAYLOAD));
      expect([...echoed(binary)]).toEqual(BYTES);
      expect(statuses('/api/echo')).toEqual([401, 200, 401, 200]);
      expect(servers.api.stats().refreshCalls).toBe(2);
    });

    test('the token never goes to another origin, and a 401 from there refreshes nothing', async ({
      page,
    }) => {
      await open(page, { backend });
      servers.api.expireAccessTokens();
      const other = servers.otherOrigin;
      const fine = await call(page, 'send', `${other}/api/public`);
      const refused = await call(page, 'send', `${other}/api/data`);
      expect(fine).toMatchObject({ ok: true, body: { ok: true } });
      expect(refused).toMatchObject({ ok: false, name: 'HttpErrorResponse', status: 401 });
      expect(servers.otherSaw).toEqual([undefined, undefined]);
      expect(servers.api.stats().refreshCalls).toBe(0);
      // The same app's own API does get the token, and recovers.
      expect(await call(page, 'send', '/api/data')).toMatchObject({ ok: true });
      expect(servers.api.sent('/api/data').map((e) => [e.status, e.bearer !== undefined])).toEqual([
        [401, true],
        [200, true],
      ]);
    });

    test('refresh token rejected: the re-auth dialog is asked once, declining fails every request with the typed error', async ({
      page,
    }) => {
      await open(page, { backend, reauth: 'decline' });
      servers.api.revokeRefreshTokens();
      servers.api.expireAccessTokens();
      const results = await call(page, 'storm', 3, '/api/data?i=');
      expect(results).toEqual(
        Array(3).fill({
          ok: false,
          name: 'SessionExpiredError',
          reason: 'reauth-declined',
          message: 'Session expired (reauth-declined)',
        }),
      );
      expect(await call(page, 'dialogOpened')).toBe(1);
      expect(await call(page, 'status')).toBe('expired');
      // No loop: one refresh, each request sent once.
      expect(servers.api.stats().refreshCalls).toBe(1);
      expect(statuses('/api/data')).toEqual([401, 401, 401]);
      const told = JSON.stringify(results);
      expect(told).not.toContain(tokens.accessToken);
      expect(told).not.toContain(tokens.refreshToken);
    });

    test('refresh token rejected: signing in through the dialog completes the parked requests', async ({
      page,
    }) => {
      await open(page, { backend, reauth: 'sign-in' });
      servers.api.revokeRefreshTokens();
      servers.api.expireAccessTokens();
      const results = await call(page, 'storm', 3, '/api/data?i=');
      expect(okCount(results)).toBe(3);
      expect(await call(page, 'dialogOpened')).toBe(1);
      expect(servers.api.stats()).toMatchObject({ refreshCalls: 1, logins: 2 });
      expect(statuses('/api/data')).toEqual([401, 401, 401, 200, 200, 200]);
    });

    test('isUnauthorized sees what HttpClient got: a 403 (error channel) and GraphQL UNAUTHENTICATED (a 200 body)', async ({
      page,
    }) => {
      await open(page, { backend, refused: '403' });
      servers.api.state.refusedStatus = 403;
      servers.api.expireAccessTokens();
      expect(await call(page, 'send', '/api/data')).toMatchObject({ ok: true });
      expect(statuses('/api/data')).toEqual([403, 200]);

      servers.api.reset();
      const { accessToken, refreshToken } = await servers.api.login();
      tokens = { accessToken, refreshToken };
      await open(page, { backend, refused: 'graphql' });
      servers.api.expireAccessTokens();
      const query = { query: '{ viewer { email } }' };
      const graphql = await call(page, 'send', '/graphql', { method: 'POST', body: query });
      expect(graphql).toMatchObject({ ok: true, body: { data: { viewer: { email: 'demo@example.com' } } } });
      expect(servers.api.sent('/graphql').map((e) => e.status)).toEqual([200, 200]);
      expect(servers.api.stats().refreshCalls).toBe(1);
    });

    test('unsubscribing cancels the request in flight, and the session goes on', async ({ page }) => {
      await open(page, { backend });
      const seen = await call(page, 'abandon', '/api/data?delay=1000', 'in-flight');
      expect(seen).toEqual(['event 0']); // Sent, then nothing: no value, no error, no completion
      const [attempt] = await call(page, 'attempts');
      expect(attempt).toMatchObject({ answered: false, ended: true });
      expect(await call(page, 'send', '/api/data')).toMatchObject({ ok: true });
      expect(await call(page, 'status')).toBe('active');
      // Unsubscribed from within the attempt's own first event (`take(1)` of `observe: 'events'`).
      const first = await call(page, 'firstEvent', '/api/data?delay=1000&first');
      expect(first).toMatchObject({ type: 0, attempt: { answered: false, ended: true } });
      // Cold: building the request sends nothing; each subscription is one request.
      const cold = await call(page, 'twice', '/api/cold');
      expect([cold.before, cold.after]).toEqual([0, 2]);
      expect(servers.api.sent('/api/cold')).toHaveLength(2);
    });

    test('unsubscribing a parked request: it is not replayed, and the shared refresh goes on', async ({
      page,
    }) => {
      await open(page, { backend });
      servers.api.state.refreshDelayMs = 1000;
      servers.api.expireAccessTokens();
      const seen = await call(page, 'abandon', '/api/parked', 'parked');
      expect(seen).toEqual(['event 0']);
      // Started during the refresh, it waits, then is sent; `take(1)` drops it at once, in its first event.
      const first = await call(page, 'firstEvent', '/api/data?delay=1000&first');
      expect(first).toMatchObject({ type: 0, attempt: { answered: false, ended: true } });
      // A request after it joins the refresh under way and succeeds; the abandoned one was never sent again.
      expect(await call(page, 'send', '/api/data')).toMatchObject({ ok: true });
      expect(statuses('/api/parked')).toEqual([401]);
      expect(servers.api.stats()).toMatchObject({ refreshCalls: 1, refreshSucceeded: 1 });
      expect(await call(page, 'status')).toBe('active');
    });

    test('negative control: the tutorial interceptor (catchError 401 → refresh → retry) fails the storm', async ({
      page,
    }) => {
      await open(page, { backend, interceptor: 'tutorial' });
      servers.api.expireAccessTokens();
      const results = await call(page, 'storm', STORM, '/api/data?i=');
      const { refreshCalls, reuseDetected } = servers.api.stats();
      console.log(
        `[figures] ${backend} tutorial storm: refreshCalls=${refreshCalls} reuseDetected=${reuseDetected} ok=${okCount(results)}/${STORM}`,
      );
      expect(refreshCalls).toBeGreaterThan(1);
    });
  });
}
