// The auth handler mounted the way Express and Fastify apps mount things: real servers on 127.0.0.1, the
// frameworks' own body parsing in front (or not), cookies, challenges and errors as a browser sees them.
import { type AddressInfo, connect } from 'node:net';
import express from 'express';
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { fastifyAuthRoutes, fastifyRequireAuth } from '../src/fastify.js';
import { type AuthHandlerOptions, createAuthHandler, createTokenService } from '../src/index.js';
import { authRoutes, requireAuth } from '../src/node.js';
import { createSqliteStore } from '../src/sqlite.js';
import { SECRET, USER } from './helpers.js';
import { listen } from './node-adapter.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function authHandler(options: Partial<AuthHandlerOptions> = {}) {
  const store = createSqliteStore({ filename: ':memory:' });
  cleanups.push(() => store.close());
  const tokens = createTokenService({
    store,
    keys: [{ kid: 'k1', alg: 'HS256', secret: SECRET }],
    accessTtl: 60_000,
    refreshTtl: 3_600_000,
  });
  return createAuthHandler({
    tokens,
    verifyPassword: ({ username, password }) =>
      username === USER.username && password === USER.password ? USER.subject : null,
    ...options,
  });
}

async function expressApp(handler: ReturnType<typeof authHandler>, parseJsonFirst: boolean) {
  const app = express();
  // Most Express apps parse JSON for every route, before anything else sees the request.
  if (parseJsonFirst) app.use(express.json());
  app.use(authRoutes(handler));
  app.get('/api/me', requireAuth(handler), (req, res) => {
    res.json({ subject: (req as { auth?: { subject: string } }).auth?.subject });
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  cleanups.push(
    () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(resolve);
      }),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function fastifyApp(handler: ReturnType<typeof authHandler>) {
  const app = Fastify();
  await app.register(fastifyAuthRoutes(handler));
  app.get('/api/me', { preHandler: fastifyRequireAuth(handler) }, async (request) => ({
    subject: request.auth?.subject,
  }));
  // Outside the plugin, Fastify's own JSON parsing is untouched.
  app.post('/api/echo', async (request) => request.body);
  await app.listen({ port: 0, host: '127.0.0.1' });
  cleanups.push(() => app.close());
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

const json = (body: unknown, headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

const apps = {
  'Express with express.json() in front': (h: ReturnType<typeof authHandler>) => expressApp(h, true),
  'Express without a body parser': (h: ReturnType<typeof authHandler>) => expressApp(h, false),
  Fastify: fastifyApp,
};

describe.each(Object.entries(apps))('%s', (_name, start) => {
  it('signs in, refreshes (the same Idempotency-Key gets the same answer), guards an API route', async () => {
    const origin = await start(authHandler());
    const login = await fetch(
      `${origin}/auth/login`,
      json({ username: USER.username, password: USER.password }),
    );
    expect(login.status).toBe(200);
    const issued = (await login.json()) as { accessToken: string; refreshToken: string };

    const refresh = () =>
      fetch(
        `${origin}/auth/refresh`,
        json({ refreshToken: issued.refreshToken }, { 'idempotency-key': 'k-1' }),
      );
    const first = (await (await refresh()).json()) as { accessToken: string; refreshToken: string };
    const again = (await (await refresh()).json()) as { refreshToken: string };
    expect(first.refreshToken).not.toBe(issued.refreshToken);
    expect(again.refreshToken).toBe(first.refreshToken);

    const me = await fetch(`${origin}/api/me`, { headers: { authorization: `Bearer ${first.accessToken}` } });
    expect(me.status).toBe(200);
    expect(await me.json()).toEqual({ subject: USER.subject });
    const anonymous = await fetch(`${origin}/api/me`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer');
    const forged = await fetch(`${origin}/api/me`, { headers: { authorization: 'Bearer not.a.jwt' } });
    expect(forged.status).toBe(401);
    expect(forged.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
  });

  it("answers with the handler's own rules: 415, 400 invalid_grant, 405, the JWKS", async () => {
    const origin = await start(authHandler());
    const text = await fetch(`${origin}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'username=a&password=b',
    });
    expect(text.status).toBe(415);
    expect(await text.json()).toMatchObject({ error_description: 'The body must be application/json' });
    const wrong = await fetch(`${origin}/auth/refresh`, json({ refreshToken: 'nope' }));
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({ error: 'invalid_grant' });
    const get = await fetch(`${origin}/auth/login`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    const jwks = await fetch(`${origin}/.well-known/jwks.json`);
    expect(jwks.status).toBe(200);
    expect(await jwks.json()).toHaveProperty('keys');
  });

  it('cookie mode: both Set-Cookie headers arrive apart; refresh needs the CSRF echo', async () => {
    const origin = await start(authHandler({ refreshTokenIn: 'cookie' }));
    const login = await fetch(
      `${origin}/auth/login`,
      json({ username: USER.username, password: USER.password }),
    );
    expect(login.status).toBe(200);
    const cookies = login.headers.getSetCookie();
    expect(cookies.map((c) => c.split('=')[0]).sort()).toEqual(['csrf', 'refresh_token']);
    const jar = cookies.map((c) => c.split(';')[0]).join('; ');
    const csrf = /csrf=([^;]+)/.exec(jar)?.[1] ?? '';
    const refused = await fetch(`${origin}/auth/refresh`, {
      method: 'POST',
      headers: { cookie: jar, origin },
    });
    expect(refused.status).toBe(403);
    const refreshed = await fetch(`${origin}/auth/refresh`, {
      method: 'POST',
      headers: { cookie: jar, origin, 'x-csrf-token': csrf },
    });
    expect(refreshed.status).toBe(200);
    expect(refreshed.headers.getSetCookie().some((c) => c.startsWith('refresh_token='))).toBe(true);
  });

  it('throttles logins per client address from the socket', async () => {
    const origin = await start(authHandler({ loginThrottle: { perAccount: 100, perAddress: 2 } }));
    const statuses: number[] = [];
    for (const username of ['a@example.com', 'b@example.com', 'c@example.com'])
      statuses.push((await fetch(`${origin}/auth/login`, json({ username, password: 'wrong' }))).status);
    expect(statuses).toEqual([400, 400, 429]);
  });
});

/** One raw HTTP/1.1 exchange: what no fetch client would send. Resolves the status line. */
function rawRequest(origin: string, head: string, body = ''): Promise<string> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.end(`${head}\r\n\r\n${body}`));
    let text = '';
    socket.on('data', (chunk) => {
      text += chunk.toString();
    });
    socket.on('end', () => resolve(text.split('\r\n')[0] ?? ''));
    socket.on('error', reject);
  });
}

describe('the Node bridge', () => {
  it('a body over 1 MiB sent chunked is answered 413 (the connection is not just dropped)', async () => {
    const origin = await expressApp(authHandler(), false);
    const chunk = new TextEncoder().encode('x'.repeat(65_536));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 24) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const res = await fetch(`${origin}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
  });

  it('the origin comes from Host and the socket, never from an absolute-form request target', async () => {
    const server = await listen(authHandler({ refreshTokenIn: 'cookie' })); // nodeListener: every request
    cleanups.push(() => server.close());
    const { origin } = server;
    const login = await fetch(
      `${origin}/auth/login`,
      json({ username: USER.username, password: USER.password }),
    );
    const jar = login.headers.getSetCookie().map((c) => c.split(';')[0] ?? '');
    const csrf = jar.find((c) => c.startsWith('csrf='))!.slice(5);
    const host = new URL(origin).host;
    // Origin and target agree on evil.example; Host says who we are: the CSRF check must see that.
    const status = await rawRequest(
      origin,
      [
        'POST http://evil.example/auth/refresh HTTP/1.1',
        `Host: ${host}`,
        'Origin: http://evil.example',
        `Cookie: ${jar.join('; ')}`,
        `X-CSRF-Token: ${csrf}`,
        'Content-Length: 0',
        'Connection: close',
      ].join('\r\n'),
    );
    expect(status).toBe('HTTP/1.1 403 Forbidden');
  });
});

describe('what the adapters leave alone', () => {
  it("Express: other paths go on to the app's own routes and 404", async () => {
    const origin = await expressApp(authHandler(), true);
    expect((await fetch(`${origin}/elsewhere`)).status).toBe(404);
  });

  it("Fastify: routes outside the plugin keep Fastify's JSON parsing", async () => {
    const origin = await fastifyApp(authHandler());
    const echo = await fetch(`${origin}/api/echo`, json({ a: 1 }));
    expect(await echo.json()).toEqual({ a: 1 });
  });
});
