import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { rawHeader } from '../http/headers.js';

/** What rules may look at in a request. Costly facts (headers object, token digest) are computed on first use. */
export class RequestFacts {
  readonly method: string;
  /** Host name, lower case, without the port. */
  readonly host: string;
  /** `host:port` as the request addressed it. */
  readonly hostPort: string;
  /** Path without the query. */
  readonly path: string;
  readonly client: string;
  readonly #req: IncomingMessage;
  #token: string | null | undefined;

  constructor(req: IncomingMessage, hostPort: string, path: string) {
    this.#req = req;
    this.method = req.method ?? 'GET';
    this.hostPort = hostPort.toLowerCase();
    this.host = stripPort(this.hostPort);
    const query = path.indexOf('?');
    this.path = query === -1 ? path : path.slice(0, query);
    this.client = normaliseAddress(req.socket.remoteAddress ?? '');
  }

  header(name: string): string | undefined {
    return rawHeader(this.#req.rawHeaders, name);
  }

  /** A CORS preflight: the browser asks before the real request, and must not be answered by a fault. */
  get preflight(): boolean {
    return this.method === 'OPTIONS' && this.header('access-control-request-method') !== undefined;
  }

  /** The bearer token, if the request carries one. Rules compare it; the log and the API never show it. */
  token(): string | undefined {
    if (this.#token === undefined) this.#token = bearerToken(this.header('authorization')) ?? null;
    return this.#token ?? undefined;
  }
}

export function bearerToken(authorization: string | undefined): string | undefined {
  if (!authorization || authorization.length < 8 || authorization.slice(0, 7).toLowerCase() !== 'bearer ')
    return;
  return authorization.slice(7).trim() || undefined;
}

export function digestToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** `::ffff:192.168.1.2` (IPv4 on a dual-stack socket) is written `192.168.1.2` everywhere in the proxy. */
export function normaliseAddress(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

function stripPort(hostPort: string): string {
  if (hostPort.startsWith('[')) return hostPort.slice(0, hostPort.indexOf(']') + 1);
  const colon = hostPort.lastIndexOf(':');
  return colon === -1 ? hostPort : hostPort.slice(0, colon);
}
