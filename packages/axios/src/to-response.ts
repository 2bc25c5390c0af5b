import type { AxiosResponse } from 'axios';
import { isOneShot } from './one-shot.js';

/**
 * The fetch `Response` equivalent to an axios response, so one `isUnauthorized` predicate serves
 * `session.fetch` and axios alike. axios has already decoded the body (JSON by default): it is encoded
 * again so the predicate can read it; a stream body is left out (it can be read only once, by the caller).
 */
export function toResponse({ status, headers, data }: AxiosResponse): Response {
  const fetchHeaders = new Headers();
  // Every adapter hands over AxiosHeaders, whose headers are its own properties. Their values come from
  // an HTTP parser, so fetch accepts them; were one refused, the session counts the response as not
  // unauthorized, as it does for a predicate that throws.
  for (const [name, value] of Object.entries(headers)) fetchHeaders.append(name, String(value));
  return new Response(
    // 204 and 304 must have no body at all.
    [204, 304].includes(status) || data == null || isOneShot(data)
      ? null
      : typeof data === 'string' ||
          data instanceof ArrayBuffer ||
          ArrayBuffer.isView(data) ||
          data instanceof Blob
        ? (data as BodyInit)
        : JSON.stringify(data),
    { status, headers: fetchHeaders },
  );
}
