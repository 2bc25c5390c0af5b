import {
  DestroyRef,
  type EnvironmentProviders,
  InjectionToken,
  inject,
  makeEnvironmentProviders,
} from '@angular/core';
import type { Session } from '@expiryproof/core';

/**
 * The session `expiryproofInterceptor` runs requests through. Provided by {@link provideExpiryproof};
 * inject it to sign in (`setTokens`), sign out (`clear`) or listen to its events.
 */
export const EXPIRYPROOF_SESSION: InjectionToken<Session> = new InjectionToken<Session>(
  // Shown in the NullInjectorError of an app that registered the interceptor but not the session.
  'EXPIRYPROOF_SESSION (add provideExpiryproof(session) to the providers)',
);

/**
 * Provides the session to `expiryproofInterceptor`. Pass the session, or a factory that creates it: the
 * factory runs in an injection context on first use, so it can `inject()` the app's services (a re-auth
 * dialog for `reauthenticate`, `HttpClient` for the refresh call), and the session it made is disposed
 * with the injector. A session passed in is the caller's to dispose.
 *
 * @example
 * providers: [
 *   provideHttpClient(withInterceptors([expiryproofInterceptor])),
 *   provideExpiryproof(() => {
 *     const dialog = inject(ReauthDialog); // your dialog service
 *     return createSession({ refresh, reauthenticate: (ctx) => dialog.ask(ctx) });
 *   }),
 * ]
 */
export function provideExpiryproof(session: Session | (() => Session)): EnvironmentProviders {
  if (typeof session !== 'function') {
    return makeEnvironmentProviders([{ provide: EXPIRYPROOF_SESSION, useValue: session }]);
  }
  return makeEnvironmentProviders([
    {
      provide: EXPIRYPROOF_SESSION,
      useFactory: (): Session => {
        const created = session();
        // It listens to other tabs and to page events: an app destroyed (tests, micro-frontends) lets go.
        inject(DestroyRef).onDestroy(() => created.dispose());
        return created;
      },
    },
  ]);
}
