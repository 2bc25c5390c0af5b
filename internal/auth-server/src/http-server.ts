import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ApiState, createApiEndpoints } from './api-endpoints.js';
import { createRefreshEndpoint, type RefreshFault, type RefreshState } from './refresh-endpoint.js';
import { createTokenService, type TokenServiceOptions } from './token-service.js';

export type { RefreshFault } from './refresh-endpoint.js';

export interface LoggedRequest {
  method: string;
  path: string;
  /** 'none', or which token generation the bearer was: a short fingerprint, never the token. */
  bearer: string | undefined;
  status: number;
}

export interface AuthServerOptions extends Partial<Omit<TokenServiceOptions, 'now'>> {
  /** Default 0: any free port on 127.0.0.1. */
  port?: number;
  host?: string;
}

const USERS = new Map([['demo@example.com', 'demo-password']]);
const fingerprint = (token: string) => token.slice(-8);

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

function parseJson(buffer: Buffer): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(buffer.toString('utf8'));
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** What the server does, changeable while it runs (in-process, or over /__control/faults). */
export interface ServerState extends ApiState, RefreshState {
  logging: boolean;
  /** Added to the server's clock, which issues and judges tokens: a server whose clock disagrees with the client's. */
  clockOffsetMs: number;
}

const DEFAULT_STATE: Readonly<ServerState> = {
  alwaysUnauthorized: false,
  refusedStatus: 401,
  refreshDelayMs: 0,
  idempotency: false,
  logging: true,
  clockOffsetMs: 0,
};
const ZERO_STATS = {
  logins: 0,
  refreshCalls: 0,
  refreshSucceeded: 0,
  idempotentReplays: 0,
  apiCalls: 0,
  unauthorized: 0,
};

function coerce<T>(like: T, value: unknown): T {
  return (typeof like === 'number' ? Number(value) : typeof like === 'boolean' ? Boolean(value) : value) as T;
}

/**
 * Starts a real auth + API server on loopback. Control is both in-process (the returned object)
 * and over HTTP under /__control, so a server in another process can be steered the same way.
 */
export async function startAuthServer(options: AuthServerOptions = {}) {
  const state: ServerState = { ...DEFAULT_STATE };
  const tokens = createTokenService({
    accessTtlMs: options.accessTtlMs ?? 60_000,
    now: () => Date.now() + state.clockOffsetMs,
  });
  const stats = { ...ZERO_STATS };
  const log: LoggedRequest[] = [];
  const faults: RefreshFault[] = [];
  const refresh = createRefreshEndpoint(tokens, state, stats, faults, send);
  const endpoints = createApiEndpoints(tokens, state, stats, send);

  async function handleControl(res: ServerResponse, url: URL, body: Buffer) {
    const input = parseJson(body) ?? {};
    switch (url.pathname) {
      case '/__control/stats':
        return send(res, 200, control.stats());
      case '/__control/log':
        return send(res, 200, log);
      case '/__control/expire':
        control.expireAccessTokens();
        break;
      case '/__control/revoke':
        await control.revokeRefreshTokens();
        break;
      case '/__control/reset':
        control.reset();
        break;
      case '/__control/faults':
        faults.push(...((input.faults as RefreshFault[]) ?? []));
        // Only known keys, with the type their default has: the control API steers, it does not inject.
        for (const key of Object.keys(DEFAULT_STATE) as Array<keyof ServerState>) {
          if (input[key] !== undefined)
            Object.assign(state, { [key]: coerce(DEFAULT_STATE[key], input[key]) });
        }
        break;
      default:
        return send(res, 404, { error: 'not_found' });
    }
    send(res, 200, { ok: true });
  }

  async function route(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const body = await readBody(req);
    if (url.pathname.startsWith('/__control/')) return handleControl(res, url, body);
    if (req.method === 'POST' && url.pathname === '/auth/login') {
      const input = parseJson(body);
      const email = input?.email;
      if (typeof email !== 'string' || typeof input?.password !== 'string')
        return send(res, 400, { error: 'invalid_request' });
      if (USERS.get(email) !== input.password) return send(res, 401, { error: 'invalid_credentials' });
      stats.logins++;
      return send(res, 200, await tokens.issue(email));
    }
    if (req.method === 'POST' && url.pathname === '/auth/refresh')
      return refresh.handle(req, res, parseJson(body));
    if (url.pathname.startsWith('/api/')) return endpoints.api(req, res, url, body);
    if (url.pathname === '/graphql') return endpoints.graphql(req, res);
    send(res, 404, { error: 'not_found' });
  }

  const server: Server = createServer((req, res) => {
    res.on('finish', () => {
      if (!state.logging) return;
      const header = req.headers.authorization;
      log.push({
        method: req.method ?? 'GET',
        path: (req.url ?? '/').split('?')[0]!,
        bearer: header ? fingerprint(header) : undefined,
        status: res.statusCode,
      });
    });
    route(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, { error: 'internal', message: String(error) });
    });
  });
  // Longer than any pause between one client's storms in `npm run bench` (another client's storm can take
  // half a minute on a busy machine): a client that reuses a socket the server has just closed loses the
  // request on it (ECONNRESET), which would count as a failure of the client under test.
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 125_000;
  await new Promise<void>((resolve) =>
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve),
  );
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;

  const control = {
    origin,
    log,
    faults,
    state,
    /** Logs in the demo user over HTTP, as a client would. */
    async login(): Promise<{ accessToken: string; refreshToken: string; expiresIn: number }> {
      const res = await fetch(`${origin}/auth/login`, {
        method: 'POST',
        body: JSON.stringify({ email: 'demo@example.com', password: 'demo-password' }),
      });
      return (await res.json()) as { accessToken: string; refreshToken: string; expiresIn: number };
    },
    stats: () => ({ ...stats, reuseDetected: tokens.reuseDetected }),
    expireAccessTokens: () => tokens.expireAccessTokens(),
    revokeRefreshTokens: () => tokens.revokeAll(),
    /** Requests that reached `path`, in arrival order. */
    sent: (path: string) => log.filter((entry) => entry.path === path),
    reset() {
      tokens.resetStats();
      log.length = 0;
      faults.length = 0;
      Object.assign(stats, ZERO_STATS);
      Object.assign(state, DEFAULT_STATE);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return control;
}

export type AuthServer = Awaited<ReturnType<typeof startAuthServer>>;
