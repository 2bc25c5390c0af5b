import type { ReauthContext, Tokens } from './session/types.js';

/** What a re-auth UI shows: whether a sign-in is wanted, and the refresh failure that asked for it. */
export interface ReauthState {
  readonly open: boolean;
  readonly error: unknown;
}

/**
 * The bridge between the session (which asks for new tokens) and the UI (which asks the person).
 * Framework-free: `@expiryproof/react` and `@expiryproof/vue` build on it, and an Angular dialog service can
 * subscribe to it directly. Pass `controller.reauthenticate` to `createSession({ reauthenticate })`.
 */
export interface ReauthController {
  /** Give this to `createSession({ reauthenticate })`. */
  readonly reauthenticate: (context: ReauthContext) => Promise<Tokens | null>;
  /** The current state. */
  getState(): ReauthState;
  /** Calls `listener` on every change; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void;
  /** The person signed in again: parked requests resume with these tokens. */
  complete(tokens: Tokens): void;
  /** The person gave up: parked requests reject with `SessionExpiredError('reauth-declined')`. Input stays on the page. */
  decline(): void;
}

const CLOSED: ReauthState = { open: false, error: undefined };

/**
 * Creates a re-auth controller. One per session; it holds no global state.
 *
 * @example
 * const reauth = createReauthController();
 * const session = createSession({ refresh, reauthenticate: reauth.reauthenticate });
 * reauth.subscribe(() => dialog.toggle(reauth.getState().open));
 */
export function createReauthController(): ReauthController {
  let state = CLOSED;
  let answer: ((tokens: Tokens | null) => void) | undefined;
  const listeners = new Set<() => void>();
  const set = (next: ReauthState) => {
    state = next;
    for (const listener of [...listeners]) listener();
  };
  const settle = (tokens: Tokens | null) => {
    const resolve = answer;
    answer = undefined;
    set(CLOSED);
    resolve?.(tokens);
  };

  return {
    reauthenticate: ({ error, signal }) => {
      // The session asks once per expiry; a stale question is answered "declined" rather than left hanging.
      answer?.(null);
      return new Promise<Tokens | null>((resolve) => {
        answer = resolve;
        set({ open: true, error });
        // reauthTimeout ran out or the session was cleared: close the dialog.
        signal.addEventListener('abort', () => answer === resolve && settle(null), { once: true });
      });
    },
    getState: () => state,
    subscribe: (listener) => {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    complete: (tokens) => settle(tokens),
    decline: () => settle(null),
  };
}
