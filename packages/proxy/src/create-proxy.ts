import http, { type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { homedir, networkInterfaces } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { rootCertificates } from 'node:tls';
import picomatch from 'picomatch';
import { createControlApi } from './control/control-api.js';
import { ProxyConfigError } from './errors.js';
import { proxyError } from './http/answer.js';
import { openConnectHandler } from './http/connect.js';
import { handleRequest, type Pipeline } from './http/pipeline.js';
import { type Target, targetOf } from './http/target.js';
import { handleUpgrade } from './http/upgrade.js';
import { isLoopback, type ProxyOptions, parseListen } from './options.js';
import { RuleSet } from './rules/rule-set.js';
import type { RuleInput, RuleView } from './rules/types.js';
import { type ScenarioOptions, scenarioRules } from './scenarios.js';
import { CA_HOST, serveCaPage } from './tls/ca-page.js';
import { type CertificateAuthority, loadCertificateAuthority } from './tls/certificate-authority.js';
import { finish, type LogEntry, TrafficLog } from './traffic-log.js';

/** Where a started proxy can be reached. */
export interface ProxyAddresses {
  /** The proxy (`http://127.0.0.1:8080`). */
  url: string;
  /** The control API, unless turned off. */
  apiUrl?: string;
  /** Where devices download the CA, with `mitm`. */
  caUrl?: string;
}

/** A chaos proxy. Create with {@link createProxy}, then `listen()`. */
export interface ChaosProxy {
  readonly mode: 'reverse' | 'forward';
  readonly rules: {
    /** Adds one rule or a list, all or none. @throws {ProxyConfigError} listing every problem */
    add(rules: RuleInput | RuleInput[]): RuleView[];
    /** Replaces every rule, all or none. @throws {ProxyConfigError} */
    replace(rules: RuleInput[]): RuleView[];
    remove(id: string): boolean;
    clear(): void;
    list(): RuleView[];
    get(id: string): RuleView | undefined;
  };
  readonly log: {
    entries(options?: { limit?: number; since?: number }): LogEntry[];
    clear(): void;
  };
  /** Arms a ready-made scenario (replacing an earlier arming of it). @throws {ProxyConfigError} */
  arm(scenario: string, options?: ScenarioOptions): RuleView[];
  /** Removes every rule and empties the log. */
  reset(): void;
  /** The CA certificate (PEM) devices must trust, with `mitm`. */
  readonly caCertificate: string | undefined;
  /** Starts both servers. @throws {ProxyConfigError} when an address is taken or invalid */
  listen(): Promise<ProxyAddresses>;
  /** Stops both servers and drops every open connection. */
  close(): Promise<void>;
}

/**
 * Creates a chaos proxy: reverse (`upstream`) or forward (with optional HTTPS interception), with rules
 * that strip headers, answer 401s, delay, throttle or drop chosen requests, and a control API to arm them.
 *
 * @example
 * const proxy = createProxy({ upstream: 'http://127.0.0.1:3000' });
 * await proxy.listen(); // http://127.0.0.1:8080, API on :8474
 * proxy.rules.add({ match: { method: 'POST', path: '/api/profile/save' }, action: { stripHeaders: ['authorization'] }, times: 1 });
 */
export function createProxy(options: ProxyOptions = {}): ChaosProxy {
  const reverse = options.upstream !== undefined;
  const upstream = reverse ? parseUpstream(options.upstream as string) : undefined;
  if (options.mitm && reverse)
    throw new ProxyConfigError('--mitm is for forward mode; a reverse proxy talks to its upstream directly');
  const listenAt = parseListen(options.listen ?? '127.0.0.1:8080', 8080, 'listen');
  const apiAt = options.api === false ? undefined : parseListen(options.api ?? '127.0.0.1:8474', 8474, 'api');
  const allowedHost = options.allowHosts?.length
    ? picomatch(options.allowHosts.map((h) => h.toLowerCase()))
    : () => true;
  // The proxy's own ports: relaying to them would loop, or hand the loopback-only control API to anyone
  // who can use the proxy (a phone on the Wi-Fi).
  const ownPorts = new Set<number>();
  const allowed = (target: Target) =>
    allowedHost(target.hostname) && !(ownPorts.has(target.port) && isThisMachine(target.hostname));

  const rules = new RuleSet();
  const log = new TrafficLog(options.logSize);
  const upstreamCa = options.upstreamCa ? [...rootCertificates, options.upstreamCa.toString()] : undefined;
  const pipeline: Pipeline = {
    rules,
    log,
    reverse,
    agents: {
      http: new http.Agent({ keepAlive: true, maxSockets: 256, scheduling: 'lifo' }),
      https: new https.Agent({
        keepAlive: true,
        maxSockets: 256,
        scheduling: 'lifo',
        ...(upstreamCa ? { ca: upstreamCa } : {}),
        rejectUnauthorized: !options.insecureUpstream,
      }),
    },
    onFired: options.onFired,
  };
  if (options.rules) rules.add(options.rules);

  let ca: CertificateAuthority | undefined;
  const server = http.createServer({ maxHeaderSize: options.maxHeaderSize }, (req, res) =>
    onRequest(req, res),
  );
  const sockets = new Set<Duplex>();
  const track = (socket: Duplex) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };
  server.on('connection', track);
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => rejectMalformed(error, socket, log));

  function onRequest(req: IncomingMessage, res: ServerResponse) {
    const url = req.url ?? '/';
    if (upstream) {
      if (url.startsWith('/')) return handleRequest(pipeline, req, res, upstream, url, 'http');
      return refuse(
        req,
        res,
        403,
        'not_a_relay',
        'this is a reverse proxy for one upstream; it does not relay to other hosts',
      );
    }
    if (url.startsWith('/')) {
      if (serveCaPage(req, res, ca)) return;
      return refuse(
        req,
        res,
        404,
        'not_found',
        'this is a forward proxy: set it as the HTTP proxy of the device or browser',
      );
    }
    const target = absoluteTarget(url);
    if (!target)
      return refuse(req, res, 400, 'bad_request', 'a forward proxy request needs an absolute http:// URL');
    if (target.hostname === CA_HOST) {
      req.url = new URL(url).pathname;
      if (!serveCaPage(req, res, ca)) refuse(req, res, 404, 'not_found', 'open http://expiryproof.proxy/');
      return;
    }
    if (!allowed(target))
      return refuse(
        req,
        res,
        403,
        'host_not_allowed',
        `${target.hostPort} is not a host this proxy relays to`,
      );
    const at = url.indexOf('/', url.indexOf('//') + 2);
    handleRequest(pipeline, req, res, target, at === -1 ? '/' : url.slice(at), 'http');
  }

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = req.url ?? '/';
    if (upstream && url.startsWith('/'))
      return handleUpgrade(pipeline, req, socket, head, upstream, url, 'http');
    const target = upstream ? undefined : absoluteTarget(url);
    if (!target || !allowed(target)) return socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
    const at = url.indexOf('/', url.indexOf('//') + 2);
    handleUpgrade(pipeline, req, socket, head, target, at === -1 ? '/' : url.slice(at), 'http');
  });

  function refuse(req: IncomingMessage, res: ServerResponse, status: number, code: string, message: string) {
    const recording = log.record(
      req.socket.remoteAddress ?? '',
      req.method ?? '?',
      (req.url ?? '').split('?')[0] ?? '',
      false,
      [],
    );
    finish(recording, 'refused', status, message);
    req.resume();
    proxyError(req, res, status, code, message);
  }

  let api: ReturnType<typeof createControlApi> | undefined;
  const proxy: ChaosProxy = {
    mode: reverse ? 'reverse' : 'forward',
    rules: {
      add: (input) => rules.add(input),
      replace: (input) => rules.replace(input),
      remove: (id) => rules.remove(id),
      clear: () => rules.clear(),
      list: () => rules.list(),
      get: (id) => rules.get(id),
    },
    log: { entries: (o) => log.entries(o), clear: () => log.clear() },
    arm(scenario, scenarioOptions) {
      return rules.upsert(scenarioRules(scenario, scenarioOptions));
    },
    reset() {
      rules.clear();
      log.clear();
    },
    get caCertificate() {
      return ca?.certificatePem;
    },
    async listen() {
      if (options.mitm) {
        ca = await loadCertificateAuthority(options.caDir ?? join(homedir(), '.expiryproof', 'proxy-ca'));
        server.on('connect', openConnectHandler({ pipeline, ca, allowed, track }));
      } else if (!reverse) server.on('connect', openConnectHandler({ pipeline, allowed, track }));
      else
        server.on('connect', (_req, socket: Socket) =>
          socket.end('HTTP/1.1 405 Method Not Allowed\r\nConnection: close\r\n\r\n'),
        );
      await listenOn(server, listenAt, 'listen');
      ownPorts.add((server.address() as AddressInfo).port);
      const url = urlOf(server);
      if (apiAt) {
        api = createControlApi({ proxy, apiKey: options.apiKey, proxyUrl: url, upstream: options.upstream });
        try {
          await listenOn(api.server, apiAt, 'api');
          ownPorts.add((api.server.address() as AddressInfo).port);
        } catch (error) {
          await closeServer(server, sockets);
          throw error;
        }
      }
      return {
        url,
        ...(api ? { apiUrl: urlOf(api.server) } : {}),
        ...(ca ? { caUrl: `${url}/ca.pem` } : {}),
      };
    },
    async close() {
      await Promise.all([closeServer(server, sockets), api ? closeServer(api.server) : undefined]);
      pipeline.agents.http.destroy();
      pipeline.agents.https.destroy();
    },
  };
  return proxy;
}

function parseUpstream(value: string): Target {
  try {
    return targetOf(new URL(value));
  } catch (error) {
    throw new ProxyConfigError(
      `upstream must be an http:// or https:// URL like http://127.0.0.1:3000 (got ${JSON.stringify(value)})`,
      {
        cause: error,
      },
    );
  }
}

/** Loopback, an unspecified address, or one of this machine's interfaces. */
function isThisMachine(hostname: string): boolean {
  if (isLoopback(hostname) || hostname === '0.0.0.0' || hostname === '::') return true;
  return Object.values(networkInterfaces()).some((addresses) =>
    addresses?.some((a) => a.address === hostname),
  );
}

function absoluteTarget(url: string): Target | undefined {
  if (!url.startsWith('http://')) return undefined;
  try {
    // The origin only: the path is the request's, not a base path to prefix.
    return targetOf(new URL(new URL(url).origin));
  } catch {
    return undefined;
  }
}

/** Malformed or oversized requests get a clear answer instead of a silent close. */
function rejectMalformed(error: NodeJS.ErrnoException, socket: Duplex, log: TrafficLog) {
  if (error.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
  const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
  const status = tooLarge ? 431 : 400;
  const message = tooLarge
    ? 'request headers are larger than this proxy accepts (see --max-header-size)'
    : `malformed HTTP request (${error.code ?? 'parse error'})`;
  finish(log.record('', '?', '?', false, []), 'refused', status, message);
  const body = JSON.stringify({ error: tooLarge ? 'headers_too_large' : 'bad_request', message });
  socket.end(
    `HTTP/1.1 ${status} ${tooLarge ? 'Request Header Fields Too Large' : 'Bad Request'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

function listenOn(server: Server, at: { host: string; port: number }, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) =>
      reject(
        new ProxyConfigError(
          error.code === 'EADDRINUSE'
            ? `${what}: ${at.host}:${at.port} is already in use (choose another with --${what} host:port)`
            : `${what}: cannot listen on ${at.host}:${at.port} (${error.code ?? error.message})`,
          { cause: error },
        ),
      );
    server.once('error', onError);
    server.listen(at.port, at.host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

function urlOf(server: Server): string {
  const { address, port } = server.address() as AddressInfo;
  return `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
}

function closeServer(server: Server, sockets?: Set<Duplex>): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeAllConnections();
    for (const socket of sockets ?? []) socket.destroy();
  });
}
