import {
  HttpErrorResponse,
  type HttpEvent,
  type HttpHandlerFn,
  type HttpRequest,
  HttpResponse,
} from '@angular/common/http';
import type { Exchange } from '@expiryproof/core';
import type { Subscription } from 'rxjs';
import { type Outcome, toResponse } from './to-response.js';

/**
 * The absolute URL the backend sends to. XHR and fetch resolve a relative URL against the document's base,
 * so the session judges that URL, not one resolved against its own `baseUrl`: the token can only go where
 * the origin check looked. Without a document (server rendering) the URL is judged as given.
 */
function target(url: string): string {
  const base = (globalThis as { document?: { baseURI?: string } }).document?.baseURI;
  if (!base) return url;
  try {
    return new URL(url, base).href;
  } catch {
    return url;
  }
}

/**
 * One HttpClient request as the session's request cycle sees it. Every attempt goes through `next` with a
 * copy of the request, so the caller's `HttpRequest` never holds the token and the interceptors after this
 * one see each attempt. `forward` receives an attempt's events other than its response (sent, progress).
 */
export function exchangeFor(
  req: HttpRequest<unknown>,
  next: HttpHandlerFn,
  signal: AbortSignal,
  forward: (event: HttpEvent<unknown>) => void,
): Exchange<Outcome> {
  return {
    url: target(req.urlWithParams),
    signal,
    // Angular serialises the body afresh for every send, so a replay goes out byte for byte.
    replayable: true,
    authorizedBy: req.headers.has('authorization')
      ? 'the HttpRequest (its headers, or an interceptor before expiryproofInterceptor)'
      : undefined,
    send: (authorization) =>
      new Promise<Outcome>((resolve, reject) => {
        if (signal.aborted) return reject(signal.reason);
        const attempt = authorization ? req.clone({ setHeaders: { Authorization: authorization } }) : req;
        let subscription: Subscription | undefined;
        const abort = () => {
          subscription?.unsubscribe(); // cancels the XHR or fetch
          reject(signal.reason);
        };
        signal.addEventListener('abort', abort, { once: true });
        const settle = () => signal.removeEventListener('abort', abort);
        subscription = next(attempt).subscribe({
          next: (event) => (event instanceof HttpResponse ? resolve(event) : forward(event)),
          error: (error: unknown) => {
            settle();
            // A status is an answer the session judges (a 401 among them); status 0 means there was none.
            if (error instanceof HttpErrorResponse && error.status !== 0) resolve(error);
            else reject(error);
          },
          complete: () => {
            settle();
            // A no-op after the response; otherwise an interceptor downstream swallowed it.
            reject(new Error('The request completed without a response'));
          },
        });
        // Aborted by an event of this very attempt (`take(1)` of `observe: 'events'`), before it was held.
        if (signal.aborted) subscription.unsubscribe();
      }),
    status: (outcome) => outcome.status,
    header: (outcome, name) => outcome.headers.get(name),
    response: toResponse,
  };
}
