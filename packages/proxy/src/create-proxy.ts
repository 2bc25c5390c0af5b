import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { rootCertificates } from 'node:tls';
import { createControlApi } from './control/control-api.js';
import { apiHostCheck } from './control/host-check.js';
import { ProxyConfigError } from './errors.js';
import { openConnectHandler } from './http/connect.js';
import { OwnListeners } from './http/own-listeners.js';
import type { Pipeline } from './http/pipeline.js';
import { relayPolicy } from './http/relay-policy.js';
import { createRouter } from './http/router.js';
import { type Target, targetOf } from './http/target.js';
import { checkApiKey, checkGlobOption, type ProxyOptions, parseListen } from './options.js';
import { withoutUserinfo } from './redact-url.js';
import { RuleSet } from './rules/rule-set.js';
import type { RuleInput, RuleView } from './rules/types.js';
import { type ScenarioOptions, scenarioRules } from './scenarios.js';
import { closeServer, listenOn, urlOf } from './server-lifecycle.js';
import { type CertificateAuthority, loadCertificateAuthority } from './tls/certificate-authority.js';
import { type LogEntry, TrafficLog } from './traffic-log.js';

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
  if (apiAt) checkApiKey(apiAt, options.apiKey);
  if (options.allowHosts) checkGlobOption(options.allowHosts, 'allowHosts');
  const own = new OwnListeners(options.lookup);
  const refusal = relayPolicy(options.allowHosts, own);

  const rules = new RuleSet();
  const log = new TrafficLog(options.logSize);
  const upstreamCa = options.upstreamCa ? [...rootCertificates, options.upstreamCa.toString()] : undefined;
  const pipeline: Pipeline = {
    rules,
    log,
    reverse,
    own,
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
  const router = createRouter({ pipeline, upstream, refusal, ca: () => ca });
  const server = http.createServer({ maxHeaderSize: options.maxHeaderSize }, router.request);
  server.on('upgrade', router.upgrade);
  server.on('clientError', router.clientError);
  const sockets = new Set<Duplex>();
  const track = (socket: Duplex) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };
  server.on('connection', track);

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
        server.on('connect', openConnectHandler({ pipeline, ca, refusal, track }));
      } else if (!reverse) server.on('connect', openConnectHandler({ pipeline, refusal, track }));
      else server.on('connect', router.connectRefused);
      await listenOn(server, listenAt, 'listen');
      own.add((server.address() as AddressInfo).port);
      const url = urlOf(server);
      try {
        if (apiAt) {
          // The check needs the address actually bound; it is set once the API listens, before any request.
          let hostAllowed: (host: string | undefined) => boolean = () => false;
          api = createControlApi({
            proxy,
            hostAllowed: (host) => hostAllowed(host),
            apiKey: options.apiKey,
            proxyUrl: url,
            upstream: options.upstream,
          });
          await listenOn(api.server, apiAt, 'api');
          const bound = (api.server.address() as AddressInfo).address;
          hostAllowed = apiHostCheck(bound, [apiAt.host, ...(options.apiHosts ?? [])]);
          own.add((api.server.address() as AddressInfo).port);
        }
        if (upstream) await refuseSelfUpstream(own, upstream, options.upstream as string);
      } catch (error) {
        await Promise.all([closeServer(server, sockets), api ? closeServer(api.server) : undefined]);
        throw error;
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

/** An upstream that resolves to the proxy's own listener would send every request round in a loop. */
async function refuseSelfUpstream(own: OwnListeners, upstream: Target, given: string): Promise<void> {
  const address = await own.ownAddress(upstream.hostname, upstream.port);
  if (address === undefined) return;
  throw new ProxyConfigError(
    `upstream ${withoutUserinfo(given)} is this proxy itself (${upstream.hostPort} reaches ${address}, where the proxy listens on port ${upstream.port}): every request would come back to it. Point --upstream at the app's API, like http://127.0.0.1:3000`,
  );
}

function parseUpstream(value: string): Target {
  try {
    return targetOf(new URL(value));
  } catch (error) {
    throw new ProxyConfigError(
      `upstream must be an http:// or https:// URL like http://127.0.0.1:3000 (got ${JSON.stringify(withoutUserinfo(value))})`,
      {
        cause: error,
      },
    );
  }
}
