import { HttpErrorResponse, type HttpResponse } from '@angular/common/http';

/** One attempt's result: HttpClient reports a non-2xx status in the error channel, so it is either. */
export type Outcome = HttpResponse<unknown> | HttpErrorResponse;

/** Angular's shape for a 2xx whose JSON did not parse: the raw text is what the server sent. */
const unparsed = (error: unknown): error is { text: string } =>
  typeof (error as { text?: unknown } | null)?.text === 'string';

/** The body as the server sent it, as far as HttpClient kept it: decoded JSON is encoded again. */
function bodyOf(outcome: Outcome): BodyInit | null {
  if ([204, 304].includes(outcome.status)) return null; // these must have no body at all
  const failed = outcome instanceof HttpErrorResponse;
  let data = failed ? outcome.error : outcome.body;
  if (failed && outcome.status < 300 && unparsed(data)) data = data.text;
  if (data == null) return null;
  const raw =
    typeof data === 'string' ||
    data instanceof ArrayBuffer ||
    ArrayBuffer.isView(data) ||
    data instanceof Blob;
  return raw ? (data as BodyInit) : JSON.stringify(data);
}

/**
 * The fetch `Response` equivalent to an HttpClient result, so one `isUnauthorized` predicate serves
 * `session.fetch` and Angular alike. Only called when the session has `isUnauthorized`.
 */
export function toResponse(outcome: Outcome): Response {
  const headers = new Headers();
  // Values came from an HTTP parser, so fetch accepts them; were one refused, the session counts the
  // response as not unauthorized, as it does for a predicate that throws.
  for (const name of outcome.headers.keys()) {
    for (const value of outcome.headers.getAll(name) ?? []) headers.append(name, value);
  }
  return new Response(bodyOf(outcome), { status: outcome.status, headers });
}
