// The negative control: the refresh interceptor Angular tutorials and issue threads hand out. A 401 is caught,
// the refresh endpoint called, the request retried with the new token. Nothing is shared between concurrent
// 401s, so a storm starts one refresh per request; the spec proves that its storm test fails this one.
import { HttpClient, HttpErrorResponse, type HttpInterceptorFn } from '@angular/common/http';
import { InjectionToken, inject } from '@angular/core';
import { catchError, switchMap, throwError } from 'rxjs';

/** The tutorial's AuthService state: the token pair in two fields. */
export interface TutorialTokens {
  accessToken: string;
  refreshToken: string;
}

export const TUTORIAL_TOKENS = new InjectionToken<TutorialTokens>('tutorial tokens');

export const tutorialInterceptor: HttpInterceptorFn = (req, next) => {
  if (req.url.includes('/auth/')) return next(req);
  const tokens = inject(TUTORIAL_TOKENS);
  const http = inject(HttpClient);
  const withToken = (token: string) => req.clone({ setHeaders: { Authorization: `Bearer ${token}` } });
  return next(withToken(tokens.accessToken)).pipe(
    catchError((error: unknown) => {
      if (!(error instanceof HttpErrorResponse) || error.status !== 401) return throwError(() => error);
      return http.post<TutorialTokens>('/auth/refresh', { refreshToken: tokens.refreshToken }).pipe(
        switchMap((fresh) => {
          tokens.accessToken = fresh.accessToken;
          tokens.refreshToken = fresh.refreshToken;
          return next(withToken(fresh.accessToken));
        }),
      );
    }),
  );
};
