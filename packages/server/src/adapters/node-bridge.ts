// Node's request and response as the fetch-style handler speaks them: one bridge for node:http, Express and
// Fastify, so every adapter answers exactly what the handler answers.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { Authentication } from '../http/auth-handler.js';

/** What {@link toFetchRequest} may be given instead of reading the stream: a framework already read it. */
export type ReadBody = Buffer | string | object | undefined;

/**
 * A Node request as a `Request`. `body`: what a framework already read (a Buffer or string as received, or
 * parsed JSON, which is serialised again); without it the request's own stream is the body. `withBody: false`
 * leaves the body out (authentication reads headers only). The URL's scheme is the socket's; forwarding
 * headers stay headers, for the handler to believe (`trustProxy`) or not.
 */
export function toFetchRequest(
  req: IncomingMessage & { originalUrl?: string },
  body?: ReadBody,
  withBody = true,
): Request {
  const scheme = (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
  // Only the path and query come from the request target: an absolute-form (`http://elsewhere/…`) or `//host`
  // target must not choose the origin the CSRF and HTTPS checks read.
  const target = new URL(req.originalUrl ?? req.url ?? '/', 'http://localhost');
  const host = req.headers.host ?? (req.headers as Record<string, string | undefined>)[':authority'];
  let url: URL;
  try {
    url = new URL(`${target.pathname}${target.search}`, `${scheme}://${host ?? 'localhost'}`);
  } catch {
    // A Host header no URL can carry: the path still routes; the origin checks see "localhost" and refuse.
    url = new URL(`${target.pathname}${target.search}`, `${scheme}://localhost`);
  }
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i] as string;
    // HTTP/2 pseudo-headers (`:method`, `:path`…) are not headers a Request can hold.
    if (!name.startsWith(':')) headers.append(name, req.rawHeaders[i + 1] as string);
  }
  const method = req.method ?? 'GET';
  const init: RequestInit & { duplex?: 'half' } = { method, headers };
  if (withBody && method !== 'GET' && method !== 'HEAD') {
    if (body !== undefined)
      init.body = Buffer.isBuffer(body)
        ? new Uint8Array(body)
        : typeof body === 'string'
          ? body
          : JSON.stringify(body);
    else if (!req.readableEnded) {
      init.body = Readable.toWeb(req) as ReadableStream<Uint8Array>;
      init.duplex = 'half';
    }
  }
  return new Request(url, init);
}

/** The most a Node adapter reads of a body before answering 413: far above the handler's own limit. */
export const MAX_NODE_BODY = 1_048_576;

/**
 * Reads a Node request's body into memory, up to {@link MAX_NODE_BODY} bytes; `undefined` past that (the
 * rest is not read). Buffered rather than streamed into the `Request`: the handler's bodies are small JSON,
 * and a web stream over the Node stream costs more than the buffer (about 190 µs against 70 µs a request).
 */
export function readNodeBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', reject);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_NODE_BODY) return void chunks.push(chunk);
      // Paused, not destroyed: the 413 can still be written before the connection closes.
      stop();
      req.pause();
      resolve(undefined);
    };
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', reject);
  });
}

/**
 * A `Response` taken apart for a Node-style writer: its status, its headers (every `Set-Cookie` kept apart,
 * which one joined header would break) and its body. Shared by the node:http and Fastify adapters.
 */
export async function responseParts(response: Response) {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') headers[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length) headers['set-cookie'] = cookies;
  const body = response.body ? Buffer.from(await response.arrayBuffer()) : undefined;
  return { status: response.status, headers, body };
}

/** The status, headers and body of `response`, written to `res`. */
export async function writeFetchResponse(res: ServerResponse, response: Response): Promise<void> {
  const { status, headers, body } = await responseParts(response);
  res.statusCode = status;
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.end(body);
}

/** What an authenticated request carries on, for the route handlers after the guard. */
export type Authenticated = Extract<Authentication, { ok: true }>;
export type AuthInfo = Omit<Authenticated, 'ok'>;

export const authInfo = ({ subject, familyId, claims }: Authenticated): AuthInfo => ({
  subject,
  familyId,
  claims,
});

/** Whether `handler` serves `method` on the path of `url` (query ignored). */
export function serves(routes: readonly { path: string }[], url: string): boolean {
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  return routes.some((route) => route.path === path);
}
