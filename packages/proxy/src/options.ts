import type { LookupFunction } from 'node:net';
import { ProxyConfigError } from './errors.js';
import { isLoopbackAddress } from './http/this-machine.js';
import { globListProblems, MAX_GLOB_STATES, tooManyStates } from './rules/glob-match.js';
import type { RuleInput } from './rules/types.js';
import type { LogEntry } from './traffic-log.js';

/** Where a server listens: `"127.0.0.1:8080"`, `":8080"` (loopback), or an object. */
export type ListenAddress = string | { host?: string; port?: number };

/** Options of {@link createProxy}. */
export interface ProxyOptions {
  /**
   * Reverse mode: every request goes to this origin (`http://127.0.0.1:3000`, optionally with a base path).
   * Point the app's API base URL at the proxy. Without it the proxy is a forward proxy (set it as the
   * device's HTTP proxy).
   */
  upstream?: string;
  /** Forward mode: intercept HTTPS with certificates from a local CA, so rules apply to HTTPS too. */
  mitm?: boolean;
  /** Where the CA is kept (default `~/.expiryproof/proxy-ca`). */
  caDir?: string;
  /** Proxy address (default `127.0.0.1:8080`). Bind `0.0.0.0` only to let a phone on your network in. */
  listen?: ListenAddress;
  /**
   * Control API address (default `127.0.0.1:8474`); `false` for none. An address other machines can reach
   * (`0.0.0.0`, a LAN address) requires `apiKey`.
   */
  api?: ListenAddress | false;
  /**
   * When set, the control API requires `Authorization: Bearer <apiKey>`. Required, and at least 16 characters,
   * when the API listens on an address other machines can reach.
   */
  apiKey?: string;
  /**
   * Host names the control API answers besides localhost and its own address (`Host` is checked, so a web page
   * that rebinds its domain to this machine is refused). Add the name you reach the API by, if any.
   */
  apiHosts?: string[];
  /**
   * How the host names of upstreams are resolved (default: the system's, `dns.lookup`). The proxy refuses to
   * relay to itself by checking the addresses this returns.
   */
  lookup?: LookupFunction;
  /** Rules loaded at start. */
  rules?: RuleInput[];
  /** Forward mode: host globs the proxy will reach (default: any). Others get 403. */
  allowHosts?: string[];
  /** Extra CA certificate(s), PEM, trusted for HTTPS upstreams (a local test server's). */
  upstreamCa?: string | Buffer;
  /** Skip verifying HTTPS upstreams' certificates. For throwaway local servers only. */
  insecureUpstream?: boolean;
  /** Requests kept in the log (default 500). */
  logSize?: number;
  /** Largest request header block accepted, in bytes (default 16 KiB, Node's); larger gets 431. */
  maxHeaderSize?: number;
  /** Called for each request a rule fired on, once the proxy has decided what to do with it. */
  onFired?: (entry: LogEntry) => void;
}

/** Host and port of a listen address. */
export function parseListen(
  value: ListenAddress,
  defaultPort: number,
  what: string,
): { host: string; port: number } {
  if (typeof value === 'object')
    return { host: value.host ?? '127.0.0.1', port: checkPort(value.port ?? defaultPort, what) };
  const match = /^(?:\[([^\]]+)\]|([^:]*))(?::(\d+))?$/.exec(value.trim());
  if (!match)
    throw new ProxyConfigError(
      `${what}: expected host:port (like 127.0.0.1:8080), got ${JSON.stringify(value)}`,
    );
  const host = match[1] ?? match[2] ?? '';
  if (/^\d+$/.test(host) && match[3] === undefined)
    return { host: '127.0.0.1', port: checkPort(Number(host), what) };
  return {
    host: host || '127.0.0.1',
    port: checkPort(match[3] === undefined ? defaultPort : Number(match[3]), what),
  };
}

function checkPort(port: number, what: string): number {
  if (!(Number.isInteger(port) && port >= 0 && port <= 65535))
    throw new ProxyConfigError(`${what}: port must be 0–65535, got ${port}`);
  return port;
}

/** Whether a listening host is one only this machine can reach (`localhost`, `127.0.0.1`, `::1`, …). */
export function isLoopback(host: string): boolean {
  return host.toLowerCase() === 'localhost' || isLoopbackAddress(host);
}

/** Shortest key accepted for an API other machines can reach: long enough that guessing it over a LAN is hopeless. */
const MIN_NETWORK_KEY = 16;

/**
 * A control API other machines can reach must require a key: without one, anyone on the Wi-Fi could arm rules.
 * @throws {ProxyConfigError}
 */
export function checkApiKey(at: { host: string; port: number }, apiKey: string | undefined): void {
  if (isLoopback(at.host)) return;
  if (!apiKey)
    throw new ProxyConfigError(
      `api: ${at.host}:${at.port} can be reached from your network, so the control API needs a key: put one in EXPIRYPROOF_PROXY_API_KEY or a file passed with --api-key-file (in code: the apiKey option)`,
    );
  if (apiKey.length < MIN_NETWORK_KEY)
    throw new ProxyConfigError(
      `api: a control API reachable from your network needs a key of at least ${MIN_NETWORK_KEY} characters (make one with: openssl rand -hex 16)`,
    );
}

/** Host globs of an option, checked like a rule's. @throws {ProxyConfigError} */
export function checkGlobOption(globs: readonly string[], what: string): void {
  const { problems, states } = globListProblems(globs.map((g) => g.toLowerCase()));
  if (states > MAX_GLOB_STATES) problems.push(tooManyStates(states));
  if (problems.length) throw new ProxyConfigError(problems.map((problem) => `${what}: ${problem}`));
}
