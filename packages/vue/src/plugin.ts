import type { Session } from '@expiryproof/core';
import type { ReauthController } from '@expiryproof/core/reauth';
import { type App, getCurrentScope, type InjectionKey, inject, onScopeDispose } from 'vue';
import { ExpiryproofVueError } from './errors.js';

/** What the plugin provides to the composables. */
export interface ExpiryproofContext {
  /** The session `useSession` returns. */
  readonly session: Session;
  /** The controller `useReauth` follows; without it `useReauth` throws (`no-reauth`). */
  readonly reauth: ReauthController | undefined;
}

/** The injection key the plugin provides under; `provide(expiryproofKey, ...)` scopes a session to a subtree. */
export const expiryproofKey: InjectionKey<ExpiryproofContext> = Symbol('expiryproof');

/** Options of {@link createExpiryproof}. */
export interface ExpiryproofOptions {
  /** The controller whose `reauthenticate` the session was created with; needed by `useReauth`. */
  reauth?: ReauthController | undefined;
}

/** The Vue plugin: `app.use(createExpiryproof(session, { reauth }))` makes the session available to the composables. */
export function createExpiryproof(
  session: Session,
  { reauth }: ExpiryproofOptions = {},
): { install(app: App): void } {
  return { install: (app) => void app.provide(expiryproofKey, { session, reauth }) };
}

/** The plugin's context, or a typed error naming the composable that was called without it. */
export function injectExpiryproof(caller: string): ExpiryproofContext {
  const context = inject(expiryproofKey, null);
  if (!context)
    throw new ExpiryproofVueError(
      'no-plugin',
      `${caller}() needs app.use(createExpiryproof(session)) above it`,
    );
  return context;
}

/** Ends a subscription with the effect scope (component, effectScope) that made it; outside one it lives on. */
export function untilDisposed(unsubscribe: () => void): void {
  if (getCurrentScope()) onScopeDispose(unsubscribe);
}
