import {
  HttpErrorResponse,
  type HttpEvent,
  HttpEventType,
  type HttpInterceptorFn,
} from '@angular/common/http';
import { inject } from '@angular/core';
import { Observable } from 'rxjs';
import { exchangeFor } from './exchange.js';
import { EXPIRYPROOF_SESSION } from './provide.js';
import { SKIP_EXPIRYPROOF } from './skip.js';

/**
 * Runs HttpClient requests through the session from {@link provideExpiryproof}: the token is attached to
 * the session's origins (never to others), and a refused request (401, or what `isUnauthorized` says)
 * parks, shares one refresh with every other, and is replayed once, as `session.fetch` does. Works with
 * the default XHR backend and `withFetch()`.
 *
 * The caller gets the final attempt's `HttpResponse`, or its `HttpErrorResponse` in the error channel
 * (the replay's 401 when the new token is refused too); an error of the session (`SessionExpiredError`,
 * `RefreshTimeoutError`) when there is nothing to replay. Unsubscribing cancels the request, parked or
 * in flight. With `observe: 'events'`: one `Sent`, each attempt's progress events, the final response.
 *
 * Interceptors listed after this one see every attempt (with its `Authorization`); those before it see
 * the request once and only the final result. Requests with {@link SKIP_EXPIRYPROOF} pass untouched.
 *
 * @example
 * provideHttpClient(withInterceptors([expiryproofInterceptor]), withFetch())
 */
export const expiryproofInterceptor: HttpInterceptorFn = (req, next) => {
  if (req.context.get(SKIP_EXPIRYPROOF)) return next(req);
  const session = inject(EXPIRYPROOF_SESSION);
  // Cold: nothing is sent until subscription, and each subscription is one request cycle.
  return new Observable<HttpEvent<unknown>>((subscriber) => {
    const controller = new AbortController();
    let sent = false;
    const forward = (event: HttpEvent<unknown>) => {
      // Headers may be those of a refused attempt (the final response carries its own); a replay is sent
      // again, but the caller's request was sent once.
      if (event.type === HttpEventType.ResponseHeader || (event.type === HttpEventType.Sent && sent)) return;
      sent ||= event.type === HttpEventType.Sent;
      subscriber.next(event);
    };
    session.run(exchangeFor(req, next, controller.signal, forward)).then(
      (outcome) => {
        if (outcome instanceof HttpErrorResponse) return subscriber.error(outcome);
        subscriber.next(outcome);
        subscriber.complete();
      },
      (error: unknown) => subscriber.error(error),
    );
    // Unsubscribed: the attempt in flight is cancelled, a parked request stops waiting; the shared
    // refresh goes on for the others.
    return () => controller.abort();
  });
};
