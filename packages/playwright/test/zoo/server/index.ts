import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeJwt, jwtVerify, SignJWT } from 'jose';
import {
  ZOO_SEEDED_TASKS,
  ZOO_THEMES,
  ZOO_USER,
  type ZooApp,
  type ZooPageConfig,
  zooLoginPath,
  zooPages,
} from '../types.js';
import { zooClientBundle, zooTabsBundle } from './bundle.js';

export interface ZooAppOptions {
  /** Lifetime of an access token; its `exp` is rounded up to a whole second. */
  accessTtlMs: number;
  /** Origin of the third party the dashboard calls (see startThirdParty). */
  thirdPartyOrigin: string;
  /** With n, the (n+1)-th sign-in within `loginWindowMs` answers 429 with Retry-After. */
  loginLimit?: number;
  /** The window of `loginLimit` (default 60 s). */
  loginWindowMs?: number;
}

/** What the server observed, cumulative since start or the last resetStats(). */
export interface ZooStats {
  /** Successful sign-ins. */
  logins: number;
  /** POST /api/auth/refresh received (whatever the answer). */
  refreshCalls: number;
  /** Refreshes answered 200. */
  refreshOk: number;
  /** An already-rotated refresh token was presented: its whole family was revoked. */
  reuseDetected: number;
  /** API calls answered 401/403 for an invalid or expired credential (or while reject-all was on). */
  rejected: number;
  /** API calls answered 401 because they carried no credential at all. */
  missingCredential: number;
  /** POST /api/notes received, whatever the answer. */
  notePosts: number;
  /** Texts of the notes saved. */
  notes: string[];
  /** Panels answered 200. */
  panelsServed: number;
  /** Epoch ms at which the latest access token issued stops being accepted (not reset by resetStats). */
  accessExpiresAt: number;
  /** PUT /api/settings received, whatever the answer. */
  settingsPuts: number;
  /** The settings the server keeps now (not reset by resetStats). */
  settings: { theme: string };
  /** POST /api/tasks received, whatever the answer. */
  taskPosts: number;
  /** The titles of every task the server holds now, the seeded ones first (not reset by resetStats). */
  tasks: string[];
  /** POST /api/auth/logout received. */
  logouts: number;
  /**
   * API calls (outside /api/auth/**) that presented an access token of a session signed out since (POST
   * /api/auth/logout), valid or expired: a tab still using the old session.
   */
  loggedOutCalls: number;
  /** Of those, the ones whose token was still valid, so the call was served. */
  loggedOutServed: number;
}

/** The test-only switches of a zoo app (they wrap the /__zoo/ control endpoints). */
export interface ZooControl {
  /** Revokes every refresh token family: later refreshes get 401 invalid_grant. */
  revokeRefresh(): Promise<void>;
  /** The next refresh answers 503 with Retry-After: 1, once. */
  refresh503Once(): Promise<void>;
  /** While on, every authenticated /api/** call outside /api/auth/** answers as an expired token would. */
  rejectAll(on: boolean): Promise<void>;
  stats(): Promise<ZooStats>;
  resetStats(): Promise<void>;
}

export interface ZooServer {
  origin: string;
  control: ZooControl;
  close(): Promise<void>;
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

interface Family {
  revoked: boolean;
  /** Signed out (POST /api/auth/logout), as opposed to revoked by reuse detection or the test switch. */
  loggedOut?: boolean;
}
interface RefreshRecord {
  family: Family;
  used: boolean;
}

/** Starts one zoo app on 127.0.0.1 (a fresh port, in-memory state, one user). */
export async function startZooApp(app: ZooApp, options: ZooAppOptions): Promise<ZooServer> {
  const { shape } = app;
  const secret = randomBytes(32);
  const clientJs = await (app.ui === 'tabs' ? zooTabsBundle() : zooClientBundle());
  const pageConfig: ZooPageConfig = {
    client: app.client,
    shape,
    thirdPartyOrigin: options.thirdPartyOrigin,
    ...(app.ui ? { ui: app.ui } : {}),
  };
  const loginPath = zooLoginPath(shape);
  const pages = new Set([loginPath, ...zooPages(app.ui)]);

  const families = new Set<Family>();
  const refreshTokens = new Map<string, RefreshRecord>();
  const notes: Array<{ id: number; text: string }> = [];
  const settings = { theme: ZOO_THEMES[0] as string };
  const tasks = ZOO_SEEDED_TASKS.map((title, index) => ({ id: index + 1, title }));
  /** The session (refresh family) of each access token issued, by its `jti`. */
  const accessFamilies = new Map<string, Family>();
  const loginTimes: number[] = [];
  let rejectAll = false;
  let refresh503 = false;
  let accessExpiresAt = 0;
  const emptyStats = (): Omit<ZooStats, 'accessExpiresAt' | 'settings' | 'tasks'> => ({
    logins: 0,
    refreshCalls: 0,
    refreshOk: 0,
    reuseDetected: 0,
    rejected: 0,
    missingCredential: 0,
    notePosts: 0,
    notes: [],
    panelsServed: 0,
    settingsPuts: 0,
    taskPosts: 0,
    logouts: 0,
    loggedOutCalls: 0,
    loggedOutServed: 0,
  });
  let stats = emptyStats();
  const statsNow = (): ZooStats => ({
    ...stats,
    accessExpiresAt,
    settings: { ...settings },
    tasks: tasks.map((task) => task.title),
  });

  async function issueAccess(family: Family): Promise<string> {
    const now = Date.now();
    const exp = Math.ceil((now + options.accessTtlMs) / 1000);
    accessExpiresAt = Math.max(accessExpiresAt, exp * 1000);
    const jti = randomUUID();
    accessFamilies.set(jti, family);
    return new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(ZOO_USER.email)
      .setIssuedAt(Math.floor(now / 1000))
      .setExpirationTime(exp)
      .setJti(jti)
      .sign(secret);
  }

  /** The session an access token we issued belongs to (its signature unchecked: only our own jtis are known). */
  function familyOf(token: string): Family | undefined {
    try {
      const { jti } = decodeJwt(token);
      return jti ? accessFamilies.get(jti) : undefined;
    } catch {
      return undefined;
    }
  }

  function issueRefresh(family: Family): string {
    const token = randomBytes(24).toString('base64url');
    refreshTokens.set(token, { family, used: false });
    return token;
  }

  /** Answers a sign-in or a refresh with the tokens, each where this shape carries it. */
  async function sendTokens(res: ServerResponse, family: Family, kept?: string) {
    const accessToken = await issueAccess(family);
    const refreshToken = kept ?? issueRefresh(family);
    if (shape.credential === 'cookie') {
      res.setHeader('Set-Cookie', [
        cookie('access_token', accessToken, { path: '/', httpOnly: true }),
        cookie('refresh_token', refreshToken, { path: '/api/auth', httpOnly: true }),
        cookie('csrf_token', randomBytes(16).toString('base64url'), { path: '/' }),
      ]);
      return json(res, 200, { ok: true });
    }
    if (shape.refreshIn === 'cookie') {
      res.setHeader(
        'Set-Cookie',
        cookie('refresh_token', refreshToken, { path: '/api/auth', httpOnly: true }),
      );
      return json(res, 200, { accessToken });
    }
    return json(res, 200, { accessToken, refreshToken });
  }

  function expiredAnswer(res: ServerResponse) {
    stats.rejected++;
    if (shape.expiredStatus === 403) return json(res, 403, { error: 'invalid token' });
    res.setHeader('WWW-Authenticate', 'Bearer error="invalid_token"');
    return json(res, 401, { error: 'invalid_token' });
  }

  function credentialOf(req: IncomingMessage, cookies: Record<string, string>): string | undefined {
    if (shape.credential === 'bearer') {
      return /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    }
    if (shape.credential === 'x-access-token') {
      const header = req.headers['x-access-token'];
      return (Array.isArray(header) ? header[0] : header) || undefined;
    }
    return cookies.access_token || undefined;
  }

  async function refresh(req: IncomingMessage, res: ServerResponse, cookies: Record<string, string>) {
    stats.refreshCalls++;
    // Looking the token up takes a while (a database round trip); the check below is atomic.
    if (shape.refreshDelayMs) await sleep(shape.refreshDelayMs);
    if (refresh503) {
      refresh503 = false;
      res.setHeader('Retry-After', '1');
      return json(res, 503, { error: 'unavailable' });
    }
    const presented =
      shape.credential === 'cookie' || shape.refreshIn === 'cookie'
        ? cookies.refresh_token
        : stringField(await readJson(req), 'refreshToken');
    const record = presented ? refreshTokens.get(presented) : undefined;
    if (!record || record.family.revoked) return json(res, 401, { error: 'invalid_grant' });
    // A server that does not rotate: the same refresh token serves every refresh of its session.
    if (shape.rotateRefresh === false) {
      stats.refreshOk++;
      return sendTokens(res, record.family, presented);
    }
    if (record.used) {
      // Reuse detection: a rotated token presented again means it was stolen, or raced; the family dies.
      stats.reuseDetected++;
      record.family.revoked = true;
      return json(res, 401, { error: 'invalid_grant' });
    }
    record.used = true;
    stats.refreshOk++;
    return sendTokens(res, record.family);
  }

  async function api(
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    path: string,
    cookies: Record<string, string>,
  ) {
    if (method === 'POST' && path === '/api/notes') stats.notePosts++;
    if (method === 'PUT' && path === '/api/settings') stats.settingsPuts++;
    if (method === 'POST' && path === '/api/tasks') stats.taskPosts++;
    // Double-submit CSRF protection, for requests that carry the session cookies.
    if (
      shape.credential === 'cookie' &&
      UNSAFE.has(method) &&
      path !== '/api/auth/login' &&
      (cookies.access_token || cookies.refresh_token) &&
      (!cookies.csrf_token || req.headers['x-csrf-token'] !== cookies.csrf_token)
    ) {
      return json(res, 403, { error: 'csrf' });
    }

    if (path === '/api/auth/login' && method === 'POST') {
      const now = Date.now();
      const windowMs = options.loginWindowMs ?? 60_000;
      while (loginTimes.length && loginTimes[0]! <= now - windowMs) loginTimes.shift();
      if (options.loginLimit !== undefined && loginTimes.length >= options.loginLimit) {
        const retryAfter = Math.max(1, Math.ceil((loginTimes[0]! + windowMs - now) / 1000));
        res.setHeader('Retry-After', String(retryAfter));
        return json(res, 429, { error: 'too many sign-ins' });
      }
      loginTimes.push(now);
      const body = await readJson(req);
      if (
        stringField(body, 'email') !== ZOO_USER.email ||
        stringField(body, 'password') !== ZOO_USER.password
      ) {
        return json(res, 401, { error: 'invalid credentials' });
      }
      stats.logins++;
      const family: Family = { revoked: false };
      families.add(family);
      return sendTokens(res, family);
    }
    if (path === '/api/auth/refresh' && method === 'POST') return refresh(req, res, cookies);
    if (path === '/api/auth/logout' && method === 'POST') {
      stats.logouts++;
      const presented =
        shape.credential === 'cookie' || shape.refreshIn === 'cookie'
          ? cookies.refresh_token
          : stringField(await readJson(req), 'refreshToken');
      const record = presented ? refreshTokens.get(presented) : undefined;
      // Without a refresh token, the session of the access token the call carries is the one signed out.
      const bearer = credentialOf(req, cookies);
      const family = record?.family ?? (bearer ? familyOf(bearer) : undefined);
      if (family) {
        family.revoked = true;
        family.loggedOut = true;
      }
      if (shape.credential === 'cookie' || shape.refreshIn === 'cookie') {
        res.setHeader('Set-Cookie', [
          cookie('access_token', '', { path: '/', httpOnly: true, expire: true }),
          cookie('refresh_token', '', { path: '/api/auth', httpOnly: true, expire: true }),
          cookie('csrf_token', '', { path: '/', expire: true }),
        ]);
      }
      res.writeHead(204).end();
      return;
    }
    if (path.startsWith('/api/auth/')) return json(res, 404, { error: 'not found' });

    // Everything else needs a valid access token, checked first (as a middleware would).
    const token = credentialOf(req, cookies);
    if (!token) {
      stats.missingCredential++;
      res.setHeader('WWW-Authenticate', 'Bearer');
      return json(res, 401, { error: 'token required' });
    }
    const signedOut = familyOf(token)?.loggedOut === true;
    if (signedOut) stats.loggedOutCalls++;
    if (rejectAll) return expiredAnswer(res);
    try {
      await jwtVerify(token, secret, { algorithms: ['HS256'] });
    } catch {
      return expiredAnswer(res);
    }
    if (signedOut) stats.loggedOutServed++;

    if (path === '/api/me' && method === 'GET') return json(res, 200, { email: ZOO_USER.email });
    if (path === '/api/notes' && method === 'GET') return json(res, 200, { notes });
    if (path === '/api/notes' && method === 'POST') {
      const text = stringField(await readJson(req), 'text');
      if (!text) return json(res, 400, { error: 'text required' });
      const note = { id: notes.length + 1, text };
      notes.push(note);
      stats.notes.push(text);
      return json(res, 201, note);
    }
    // The settings and tasks APIs exist only in the apps whose pages use them.
    const hasSettings = app.ui === 'settings';
    const hasTasks = app.ui === 'tasks';
    if (hasSettings && path === '/api/settings' && method === 'GET') return json(res, 200, settings);
    if (hasSettings && path === '/api/settings' && method === 'PUT') {
      const theme = stringField(await readJson(req), 'theme');
      if (!theme || !(ZOO_THEMES as readonly string[]).includes(theme))
        return json(res, 400, { error: `theme must be one of ${ZOO_THEMES.join(', ')}` });
      settings.theme = theme;
      return json(res, 200, settings);
    }
    if (hasTasks && path === '/api/tasks' && method === 'GET') return json(res, 200, { tasks });
    if (hasTasks && path === '/api/tasks' && method === 'POST') {
      const title = stringField(await readJson(req), 'title')?.trim();
      if (!title) return json(res, 400, { error: 'title required' });
      const task = { id: tasks.length + 1, title };
      tasks.push(task);
      return json(res, 201, task);
    }
    const panel = /^\/api\/panels\/([1-5])$/.exec(path);
    if (panel && method === 'GET') {
      await sleep(20 + Math.floor(Math.random() * 61));
      stats.panelsServed++;
      return json(res, 200, { panel: Number(panel[1]), value: Math.floor(Math.random() * 100) });
    }
    return json(res, 404, { error: 'not found' });
  }

  function controlPlane(res: ServerResponse, method: string, path: string) {
    if (method === 'GET' && path === '/__zoo/stats') return json(res, 200, statsNow());
    if (method !== 'POST') return json(res, 404, { error: 'not found' });
    if (path === '/__zoo/revoke-refresh') {
      for (const family of families) family.revoked = true;
    } else if (path === '/__zoo/refresh-503-once') refresh503 = true;
    else if (path === '/__zoo/reject-all') rejectAll = true;
    else if (path === '/__zoo/reset') rejectAll = false;
    else if (path === '/__zoo/reset-stats') stats = emptyStats();
    else return json(res, 404, { error: 'not found' });
    res.writeHead(204).end();
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const method = req.method ?? 'GET';
    const path = new URL(req.url ?? '/', 'http://zoo.invalid').pathname;
    if (path.startsWith('/__zoo/')) return controlPlane(res, method, path);
    if (method === 'GET' && pages.has(path)) {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end(shell(app.name, pageConfig));
      return;
    }
    if (method === 'GET' && path === '/') {
      res.writeHead(302, { Location: loginPath }).end();
      return;
    }
    if (method === 'GET' && path === '/client.js') {
      res.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end(clientJs);
      return;
    }
    if (method === 'GET' && path === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    if (path.startsWith('/api/')) return api(req, res, method, path, parseCookies(req.headers.cookie));
    return json(res, 404, { error: 'not found' });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) json(res, 500, { error: 'internal' });
      else res.end();
    });
  });
  const origin = await listen(server);

  const post = async (path: string) => {
    const response = await fetch(origin + path, { method: 'POST' });
    if (!response.ok) throw new Error(`${path} answered ${response.status}`);
  };
  const control: ZooControl = {
    revokeRefresh: () => post('/__zoo/revoke-refresh'),
    refresh503Once: () => post('/__zoo/refresh-503-once'),
    rejectAll: (on) => post(on ? '/__zoo/reject-all' : '/__zoo/reset'),
    resetStats: () => post('/__zoo/reset-stats'),
    stats: async () => (await fetch(`${origin}/__zoo/stats`)).json() as Promise<ZooStats>,
  };
  return { origin, control, close: () => stop(server) };
}

/** The credential headers one request to the third party carried (never logged). */
export interface ThirdPartyRequest {
  authorization?: string;
  xAccessToken?: string;
  cookie?: string;
}

export interface ThirdParty {
  origin: string;
  seen(): ThirdPartyRequest[];
  clear(): void;
  close(): Promise<void>;
}

/**
 * A third party on http://localhost:<port> (another site than the app on 127.0.0.1) with permissive CORS, that
 * records which credential headers each request carried.
 */
export async function startThirdParty(): Promise<ThirdParty> {
  let seen: ThirdPartyRequest[] = [];
  const server = createServer((req, res) => {
    const origin = req.headers.origin;
    if (origin) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Credentials', 'true');
      res.setHeader('Vary', 'Origin');
    }
    if (req.method === 'OPTIONS') {
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST, PUT, PATCH, DELETE, OPTIONS');
      const requested = req.headers['access-control-request-headers'];
      if (requested) res.setHeader('Access-Control-Allow-Headers', requested);
      res.writeHead(204).end();
      return;
    }
    const entry: ThirdPartyRequest = {};
    if (req.headers.authorization) entry.authorization = req.headers.authorization;
    const xAccessToken = req.headers['x-access-token'];
    if (xAccessToken)
      entry.xAccessToken = Array.isArray(xAccessToken) ? xAccessToken.join(', ') : xAccessToken;
    if (req.headers.cookie) entry.cookie = req.headers.cookie;
    seen.push(entry);
    const path = new URL(req.url ?? '/', 'http://third.invalid').pathname;
    if (req.method === 'GET' && path === '/status') return json(res, 200, { status: 'operational' });
    return json(res, 404, { error: 'not found' });
  });
  const origin = (await listen(server)).replace('127.0.0.1', 'localhost');
  return {
    origin,
    seen: () => seen.map((entry) => ({ ...entry })),
    clear: () => {
      seen = [];
    },
    close: () => stop(server),
  };
}

function shell(name: string, config: ZooPageConfig): string {
  const data = JSON.stringify(config).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>zoo · ${escapeHtml(name)}</title>
<style>
  body { font: 15px/1.4 system-ui, sans-serif; margin: 2rem; color: #222; }
  nav a { margin-right: 1rem; }
  textarea { display: block; width: 28rem; height: 5rem; margin: .5rem 0; }
  .panels { display: grid; grid-template-columns: repeat(5, 8rem); gap: .5rem; }
  [data-panel] { border: 1px solid #bbb; padding: .5rem; border-radius: 4px; }
  [data-panel].loaded { border-color: #2a7; background: #efe; }
  [data-panel].failed { border-color: #c33; background: #fee; }
  .saved { color: #2a7; } .error { color: #c33; }
  [role=dialog] { border: 1px solid #888; border-radius: 6px; padding: 1rem; margin-top: 1rem; width: 26rem; }
  li.task { margin: .2rem 0; }
</style>
</head>
<body>
<div id="app">Loading…</div>
<script>window.ZOO = ${data};</script>
<script src="/client.js"></script>
</body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

function cookie(
  name: string,
  value: string,
  options: { path: string; httpOnly?: boolean; expire?: boolean },
): string {
  let text = `${name}=${value}; Path=${options.path}; SameSite=Lax`;
  if (options.httpOnly) text += '; HttpOnly';
  if (options.expire) text += '; Max-Age=0';
  return text;
}

function parseCookies(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0) cookies[part.slice(0, at).trim()] = part.slice(at + 1).trim();
  }
  return cookies;
}

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null');
  } catch {
    return null;
  }
}

function stringField(body: unknown, key: string): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const value = (body as Record<string, unknown>)[key];
  return typeof value === 'string' ? value : undefined;
}

function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function stop(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
