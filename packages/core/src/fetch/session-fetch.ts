import type { Session } from '../session/types.js';
import { bufferBody, isOneShot } from './replayable-body.js';

const AUTHORIZATION = 'authorization';

function isRequest(value: RequestInfo | URL): value is Request {
  // Duck-typed so a Request from another realm or polyfill is recognised too (strings and URLs have no clone).
  return typeof (value as Request).clone === 'function' && 'url' in (value as object);
}

/** Whether the caller set Authorization itself, in any of the shapes fetch accepts. */
function hasAuthorization(headers: HeadersInit | undefined): boolean {
  if (!headers) return false;
  if (typeof (headers as Headers).has === 'function') return (headers as Headers).has(AUTHORIZATION);
  const names = Array.isArray(headers) ? headers.map(([name]) => name) : Object.keys(headers);
  return names.some((name) => name.toLowerCase() === AUTHORIZATION);
}

/** The caller's headers plus ours, kept in the caller's shape: building a Headers object costs more than the rest of the wrapper. */
function withAuthorization(
  headers: HeadersInit | undefined,
  authorization: string | undefined,
): HeadersInit | undefined {
  if (!authorization) return headers;
  if (!headers) return { [AUTHORIZATION]: authorization };
  if (Array.isArray(headers)) return [...headers, [AUTHORIZATION, authorization]];
  if (typeof (headers as Headers).has !== 'function')
    return { ...(headers as Record<string, string>), [AUTHORIZATION]: authorization };
  const copy = new Headers(headers);
  copy.set(AUTHORIZATION, authorization);
  return copy;
}

const discard = (response: Response) => {
  // The refused answer is replaced by the replay. Reading a small body to its end lets the connection be
  // reused; cancelling it would make the transport close the socket. Large or unsized bodies are cancelled.
  const size = Number(response.headers.get('content-length') ?? Number.NaN);
  (size <= 65_536 ? response.arrayBuffer() : response.body?.cancel())?.catch(() => {});
};
// Shared by every request: per-request closures would be allocated on the hot path.
const status = (response: Response) => response.status;
const header = (response: Response, name: string) => response.headers.get(name);
const itself = (response: Response) => response;

/** Builds `session.fetch`: the same contract as fetch, with the request cycle of `run` around it. */
export function createSessionFetch(
  run: Session['run'],
  transport: typeof fetch,
  allows: (url: string | URL) => string | URL | undefined,
): typeof fetch {
  return async function sessionFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    const request = isRequest(input) ? input : undefined;
    // Sent exactly where the origin check looked: a transport that resolved the URL its own way could
    // carry the token somewhere else (a `Request` holds an absolute URL already).
    const target = request ? undefined : (allows(input as string | URL) ?? (input as string | URL));
    const headers = init?.headers ?? request?.headers;
    // A caller that sets its own Authorization manages it itself: not our token, not our 401.
    const own = hasAuthorization(headers);

    let body = init?.body;
    if (!own && isOneShot(body)) body = await bufferBody(body);
    const rest: RequestInit = body === undefined ? { ...init } : { ...init, body };

    return run({
      url: request ? request.url : target!,
      signal: init?.signal ?? request?.signal,
      authorizedBy: own ? 'the caller of session.fetch' : undefined,
      status,
      header,
      response: itself,
      discard,
      send(authorization) {
        const sent = { ...rest, headers: withAuthorization(headers, authorization) } as RequestInit;
        // A Request body is read by sending it, so every attempt sends a fresh clone.
        return request ? transport(new Request(request.clone(), sent)) : transport(target!, sent);
      },
    });
  } as typeof fetch;
}
