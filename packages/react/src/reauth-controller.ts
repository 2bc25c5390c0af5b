import type { ReauthContext, Tokens } from '@expiryproof/core';

/** What the re-auth UI shows: whether a sign-in is wanted, and the refresh failure that asked for it. */
export interface ReauthState {
  readonly open: boolean;
  readonly error: unknown;
}

/**
 * The bridge between the session (which asks for new tokens) and the UI (which asks the person).
 * Pass `controller.reauthenticate` to `createSession`, and the controller to `<SessionProvider>`.
 */
export interface ReauthController {
  /** Give this to `createSession({ reauthenticate })`. */
  readonly reauthenticate: (context: ReauthContext) => Promise<Tokens | null>;
  getState(): ReauthState;
  subscribe(listener: () => void): () => void;
  /** The person signed in again: parked requests resume with these tokens. */
  complete(tokens: Tokens): void;
  /** The person gave up: parked requests reject with `SessionExpiredError('reauth-declined')`. Input stays on the page. */
  decline(): void;
}

const CLOSED: ReauthState = { open: false, error: undefined };

/** Creates a re-auth controller. One per session; it holds no global state. */
export function createReauthController(): ReauthController {
  let state = CLOSED;
  let answer: ((tokens: Tokens | null) => void) | undefined;
  const listeners = new Set<() => void>();

  function settle(tokens: Tokens | null) {
    const resolve = answer;
    answer = undefined;
    state = CLOSED;
    for (const listener of [...listeners]) listener();
    resolve?.(tokens);
  }

  return {
    reauthenticate({ error, signal }) {
      // The session asks once per expiry; a stale question is answered "declined" rather than left hanging.
      answer?.(null);
      return new Promise<Tokens | null>((resolve) => {
        answer = resolve;
        state = { open: true, error };
        for (const listener of [...listeners]) listener();
        // reauthTimeout ran out or the session was cleared: close the dialog.
        signal.addEventListener('abort', () => answer === resolve && settle(null), { once: true });
      });
    },
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    complete: (tokens) => settle(tokens),
    decline: () => settle(null),
  };
}
