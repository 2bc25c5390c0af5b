import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { createTokenService, type TokenServiceOptions } from './token-service.js';

/** What the next refresh call does instead of its normal work. */
export interface RefreshFault {
  status?: number;
  delayMs?: number;
  /** Destroy the socket without answering. */
  drop?: boolean;
}

export interface LoggedRequest {
  method: string;
  path: string;
  /** 'none', or which token generation the bearer was: a short fingerprint, never the token. */
  bearer: string | undefined;
  status: number;
}

export interface AuthServerOptions extends Partial<TokenServiceOptions> {
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

/**
 * Starts a real auth + API server on loopback. Control is both in-process (the returned object)
 * and over HTTP under /__control, so a server in another process can be steered the same way.
 */
export async function startAuthServer(options: AuthServerOptions = {}) {
  const tokens = createTokenService({
    accessTtlMs: options.accessTtlMs ?? 60_000,
    format: options.format ?? 'jwt',
  });
  const stats = { logins: 0, refreshCalls: 0, refreshSucceeded: 0, apiCalls: 0, unauthorized: 0 };
  const log: LoggedRequest[] = [];
  const faults: RefreshFault[] = [];
  const state = { alwaysUnauthorized: false, refreshDelayMs: 0, logging: true };

  async function handleRefresh(req: IncomingMessage, res: ServerResponse, body: Buffer) {
    stats.refreshCalls++;
    const fault = faults.shift();
    const wait = (fault?.delayMs ?? 0) + state.refreshDelayMs;
    if (wait) await delay(wait);
    if (fault?.drop) return req.socket.destroy();
    if (fault?.status) return send(res, fault.status, { error: 'injected_fault' });
    const refreshToken = parseJson(body)?.refreshToken;
    if (typeof refreshToken !== 'string') return send(res, 400, { error: 'invalid_request' });
    const outcome = await tokens.refresh(refreshToken);
    if (!outcome.ok) return send(res, 401, { error: outcome.error });
    stats.refreshSucceeded++;
    send(res, 200, outcome.tokens);
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer) {
    stats.apiCalls++;
    const wait = Number(url.searchParams.get('delay') ?? 0);
    const header = req.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice(7) : undefined;
    const user = token && !state.alwaysUnauthorized ? await tokens.verify(token) : undefined;
    if (wait) await delay(wait);
    if (url.pathname === '/api/public') return send(res, 200, { ok: true });
    if (!user) {
      stats.unauthorized++;
      return send(
        res,
        401,
        { error: 'invalid_token' },
        { 'www-authenticate': 'Bearer error="invalid_token"' },
      );
    }
    if (url.pathname === '/api/echo') {
      return send(res, 200, {
        method: req.method,
        contentType: req.headers['content-type'] ?? null,
        length: body.length,
        base64: body.toString('base64'),
      });
    }
    send(res, 200, { ok: true, user, path: url.pathname, query: url.search });
  }

  function handleControl(res: ServerResponse, url: URL, body: Buffer) {
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
        control.revokeRefreshTokens();
        break;
      case '/__control/reset':
        control.reset();
        break;
      case '/__control/faults':
        faults.push(...((input.faults as RefreshFault[]) ?? []));
        state.refreshDelayMs = Number(input.refreshDelayMs ?? state.refreshDelayMs);
        state.alwaysUnauthorized = Boolean(input.alwaysUnauthorized ?? state.alwaysUnauthorized);
        state.logging = Boolean(input.logging ?? state.logging);
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
    if (req.method === 'POST' && url.pathname === '/auth/refresh') return handleRefresh(req, res, body);
    if (url.pathname.startsWith('/api/')) return handleApi(req, res, url, body);
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
  server.keepAliveTimeout = 10_000;
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
      Object.assign(stats, { logins: 0, refreshCalls: 0, refreshSucceeded: 0, apiCalls: 0, unauthorized: 0 });
      Object.assign(state, { alwaysUnauthorized: false, refreshDelayMs: 0, logging: true });
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
