import type { Session } from '../session/types.js';
import { bufferBody, isOneShot } from './replayable-body.js';

function isRequest(value: unknown): value is Request {
  // Duck-typed so a Request from another realm or polyfill is recognised too.
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Request).clone === 'function' &&
    'url' in value
  );
}

const discard = (response: Response) => {
  // Unread bodies pin keep-alive connections; the 401 is replaced by the replay anyway.
  response.body?.cancel().catch(() => {});
};

/** Builds `session.fetch`: the same contract as fetch, with the request cycle of `run` around it. */
export function createSessionFetch(run: Session['run'], transport: typeof fetch): typeof fetch {
  return async function sessionFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    const request = isRequest(input) ? input : undefined;
    const headers = new Headers(init?.headers ?? request?.headers);
    // A caller that sets its own Authorization manages it itself: not our token, not our 401.
    if (headers.has('authorization')) return transport(input, init);

    let body = init?.body;
    if (isOneShot(body)) body = await bufferBody(body);
    const rest: RequestInit = body === undefined ? { ...init } : { ...init, body };

    return run({
      url: request ? request.url : input instanceof URL ? input : String(input),
      signal: init?.signal ?? request?.signal,
      status: (response) => response.status,
      discard,
      send(authorization) {
        const sent = new Headers(headers);
        if (authorization) sent.set('authorization', authorization);
        // A Request body is read by sending it, so every attempt sends a fresh clone.
        return request
          ? transport(new Request(request.clone(), { ...rest, headers: sent }))
          : transport(input, { ...rest, headers: sent });
      },
    });
  } as typeof fetch;
}
