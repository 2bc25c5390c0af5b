// @expiryproof/vue in a real browser: a Vue page built with Vite (test/page), served from a real node:http server
// that also proxies the real auth server (same origin, as an app behind one host). Every verdict comes from the
// server: its own token expiry (`expireAccessTokens`), revocation, request log and refresh counts.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type AuthServer, startAuthServer } from '@expiryproof/auth-server';
import { expect, type Page, test } from '@playwright/test';
import { build } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const ctx = {} as {
  api: AuthServer;
  web: Server;
  origin: string;
  other: Server;
  otherOrigin: string;
  dir: string;
};
/** The Authorization header of every request that reached the other origin (undefined: none). */
const otherSaw: Array<string | undefined> = [];

const listen = async (server: Server) => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

test.beforeAll(async () => {
  ctx.dir = mkdtempSync(join(tmpdir(), 'expiryproof-vue-page-'));
  await build({
    configFile: false,
    root: here('./page'),
    logLevel: 'warn',
    // The sources, not dist: the spec tests this checkout without a build step.
    resolve: {
      alias: [
        { find: /^@expiryproof\/vue$/, replacement: here('../src/index.ts') },
        { find: /^@expiryproof\/core$/, replacement: here('../../core/src/index.ts') },
        { find: /^@expiryproof\/core\/reauth$/, replacement: here('../../core/src/reauth-controller.ts') },
      ],
    },
    define: {
      __VUE_OPTIONS_API__: 'false',
      __VUE_PROD_DEVTOOLS__: 'false',
      __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
    },
    build: { outDir: ctx.dir, emptyOutDir: true, minify: false },
  });
  ctx.api = await startAuthServer();
  const apiPort = new URL(ctx.api.origin).port;
  ctx.web = createServer((req, res) => {
    const url = req.url ?? '/';
    if (/^\/(auth|api)\//.test(url)) {
      const upstream = request(
        { host: '127.0.0.1', port: apiPort, path: url, method: req.method, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      req.pipe(upstream);
      return;
    }
    const path = normalize(url.split('?')[0] === '/' ? '/index.html' : url.split('?')[0]!);
    try {
      const body = readFileSync(join(ctx.dir, path));
      const type = extname(path) === '.js' ? 'text/javascript' : 'text/html';
      res.writeHead(200, { 'content-type': type }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  ctx.origin = await listen(ctx.web);
  // Another origin that would accept a token if one were sent: CORS lets `Authorization` through, so a leak
  // would arrive here instead of dying in a failed preflight. It answers 401, which must start no refresh.
  ctx.other = createServer((req, res) => {
    const cors = {
      'access-control-allow-origin': '*',
      'access-control-allow-headers': 'authorization, content-type',
      'access-control-expose-headers': 'www-authenticate',
    };
    if (req.method === 'OPTIONS') return void res.writeHead(204, cors).end();
    otherSaw.push(req.headers.authorization);
    res.writeHead(401, { ...cors, 'www-authenticate': 'Bearer error="invalid_token"' }).end('{}');
  });
  ctx.otherOrigin = await listen(ctx.other);
});

test.afterAll(async () => {
  await ctx.api?.close();
  ctx.web?.closeAllConnections();
  ctx.other?.closeAllConnections();
  await Promise.all([ctx.web, ctx.other].map((s) => new Promise((resolve) => s?.close(resolve))));
  if (ctx.dir) rmSync(ctx.dir, { recursive: true, force: true });
});

test.beforeEach(() => {
  ctx.api.reset();
  otherSaw.length = 0;
});

const byTestId = (page: Page, id: string) => page.getByTestId(id);

async function openSignedIn(page: Page) {
  await page.goto(`${ctx.origin}/?other=${encodeURIComponent(ctx.otherOrigin)}`);
  await expect(byTestId(page, 'status')).toHaveText('signed-out');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(byTestId(page, 'status')).toHaveText('active');
}

test('expired on the server: Save makes one refresh, the POST body is replayed, status refreshing → active', async ({
  page,
}) => {
  await openSignedIn(page);
  ctx.api.expireAccessTokens();
  const bio = 'Ten minutes of typing — größer ✓';
  await page.getByLabel('bio').fill(bio);
  await expect(byTestId(page, 'draft')).toHaveText('dirty fresh');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(byTestId(page, 'result')).toHaveText(`saved ${JSON.stringify({ bio })}`);
  expect(ctx.api.sent('/api/echo').map((r) => r.status)).toEqual([401, 200]);
  expect(ctx.api.stats().refreshCalls).toBe(1);
  await expect(byTestId(page, 'history')).toHaveText('signed-out,active,refreshing,active');
  await expect(byTestId(page, 'draft')).toHaveText('clean fresh');
});

test('refresh token revoked: the dialog opens over the typed draft, a wrong password keeps it open, sign-in replays the save', async ({
  page,
}) => {
  await openSignedIn(page);
  await page.getByLabel('bio').fill('my long unsaved bio');
  ctx.api.expireAccessTokens();
  ctx.api.revokeRefreshTokens();
  await page.getByRole('button', { name: 'Save' }).click();
  const dialog = page.getByRole('dialog', { name: 'Sign in again' });
  await expect(dialog).toBeVisible();
  await expect(byTestId(page, 'status')).toHaveText('reauth-required');
  await expect(page.getByLabel('bio')).toHaveValue('my long unsaved bio');

  await dialog.getByLabel('Password').fill('wrong');
  await dialog.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toBeVisible();
  await expect(dialog).toBeVisible();
  await expect(byTestId(page, 'result')).toHaveText('');

  await dialog.getByLabel('Password').fill('demo-password');
  await dialog.getByRole('button', { name: 'Sign in' }).click();
  await expect(byTestId(page, 'result')).toHaveText(
    `saved ${JSON.stringify({ bio: 'my long unsaved bio' })}`,
  );
  await expect(dialog).toBeHidden();
  await expect(byTestId(page, 'status')).toHaveText('active');
  expect(ctx.api.sent('/api/echo').map((r) => r.status)).toEqual([401, 200]);
  expect(ctx.api.sent('/auth/login').map((r) => r.status)).toEqual([200, 401, 200]);
});

test('Cancel declines: the save fails with SessionExpiredError, the typed text stays; a reload restores the draft', async ({
  page,
}) => {
  await openSignedIn(page);
  await page.getByLabel('bio').fill('keep me');
  ctx.api.expireAccessTokens();
  ctx.api.revokeRefreshTokens();
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
  await expect(byTestId(page, 'result')).toHaveText('failed SessionExpiredError');
  await expect(page.getByRole('dialog')).toBeHidden();
  await expect(byTestId(page, 'status')).toHaveText('expired');
  await expect(page.getByLabel('bio')).toHaveValue('keep me');

  // A full reload (as a redirect to a sign-in page and back would be): the draft comes back.
  await page.reload();
  await expect(page.getByLabel('bio')).toHaveValue('keep me');
  await expect(byTestId(page, 'draft')).toHaveText('dirty restored');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(byTestId(page, 'result')).toHaveText(`saved ${JSON.stringify({ bio: 'keep me' })}`);
  await page.reload();
  await expect(page.getByLabel('bio')).toHaveValue('');
});

test('20 concurrent requests from the page with a token the server expired: exactly 1 refresh, 20/20 succeed', async ({
  page,
}) => {
  await openSignedIn(page);
  ctx.api.expireAccessTokens();
  await page.getByRole('button', { name: 'Storm', exact: true }).click();
  await expect(byTestId(page, 'storm')).toHaveText('20/20');
  const { refreshCalls, reuseDetected } = ctx.api.stats();
  console.log(`vue storm: ${refreshCalls} refresh, reuse detected ${reuseDetected}`);
  expect(refreshCalls).toBe(1);
  expect(reuseDetected).toBe(0);
  expect(ctx.api.sent('/api/data')).toHaveLength(40);
});

test('negative control: the tutorials’ ofetch onResponseError refresh under the same storm makes more than 1 refresh', async ({
  page,
}) => {
  await page.goto(ctx.origin);
  await page.getByRole('button', { name: 'Naive sign in' }).click();
  await expect(byTestId(page, 'naive')).toHaveText('signed in');
  ctx.api.expireAccessTokens();
  await page.getByRole('button', { name: 'Naive storm' }).click();
  await expect(byTestId(page, 'naive')).toHaveText(/^\d+\/20$/);
  const { refreshCalls, reuseDetected } = ctx.api.stats();
  console.log(
    `naive storm: ${refreshCalls} refreshes, reuse detected ${reuseDetected}, ${await byTestId(page, 'naive').textContent()} ok`,
  );
  expect(refreshCalls).toBeGreaterThan(1);
});

test('the token never goes to another origin, and its 401 starts no refresh', async ({ page }) => {
  await openSignedIn(page);
  await page.getByRole('button', { name: 'Call other origin' }).click();
  await expect(byTestId(page, 'other')).toHaveText('401');
  expect(otherSaw).toEqual([undefined]);
  expect(ctx.api.stats().refreshCalls).toBe(0);
  // The same session does send it to its own origin.
  await page.getByRole('button', { name: 'Storm', exact: true }).click();
  await expect(byTestId(page, 'storm')).toHaveText('20/20');
  expect(ctx.api.sent('/api/data').every((r) => r.bearer !== undefined)).toBe(true);
});
