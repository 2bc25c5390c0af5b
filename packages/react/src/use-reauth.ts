import type { Tokens } from '@expiryproof/core';
import { useCallback, useState, useSyncExternalStore } from 'react';
import { useSessionContext } from './session-context.js';

/** Everything a re-auth dialog needs, without any markup. */
export interface ReauthHandle {
  /** A sign-in is wanted: show the dialog. */
  open: boolean;
  /** The refresh failure that made re-authentication necessary. */
  reason: unknown;
  /** A sign-in attempt is under way. */
  submitting: boolean;
  /** The last attempt's error (e.g. a wrong password); cleared on the next attempt. */
  failure: unknown;
  /** Runs a sign-in; its tokens resume the parked requests. On failure the dialog stays open with `failure` set. */
  submit(signIn: () => Promise<Tokens>): Promise<void>;
  /** Gives up: parked requests reject, the page and its input stay as they are. */
  decline(): void;
}

/** The headless re-auth state for building your own dialog. Needs `<SessionProvider reauth={controller}>`. */
export function useReauth(): ReauthHandle {
  const { reauth } = useSessionContext();
  if (!reauth)
    throw new Error('expiryproof: useReauth needs <SessionProvider reauth={createReauthController()}>');
  const state = useSyncExternalStore(reauth.subscribe, reauth.getState, reauth.getState);
  const [submitting, setSubmitting] = useState(false);
  const [failure, setFailure] = useState<unknown>(undefined);

  const submit = useCallback(
    async (signIn: () => Promise<Tokens>) => {
      setSubmitting(true);
      setFailure(undefined);
      try {
        reauth.complete(await signIn());
      } catch (error) {
        setFailure(error);
      } finally {
        setSubmitting(false);
      }
    },
    [reauth],
  );

  return { open: state.open, reason: state.error, submitting, failure, submit, decline: reauth.decline };
}
