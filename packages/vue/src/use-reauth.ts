import type { Tokens } from '@expiryproof/core';
import { computed, type Ref, readonly, shallowRef } from 'vue';
import { ExpiryproofVueError } from './errors.js';
import { injectExpiryproof, untilDisposed } from './plugin.js';

/** Everything a re-auth dialog needs, without any markup. */
export interface ReauthHandle {
  /** A sign-in is wanted: show the dialog. */
  readonly open: Readonly<Ref<boolean>>;
  /** The refresh failure that made re-authentication necessary. */
  readonly reason: Readonly<Ref<unknown>>;
  /** A sign-in attempt is under way. */
  readonly submitting: Readonly<Ref<boolean>>;
  /** The last attempt's error (e.g. a wrong password); cleared by the next attempt and when the dialog closes. */
  readonly failure: Readonly<Ref<unknown>>;
  /** Runs a sign-in; its tokens resume the parked requests. On failure the dialog stays open with `failure` set. */
  submit(signIn: () => Promise<Tokens>): Promise<void>;
  /** Gives up: parked requests reject, the page and its input stay as they are. */
  decline(): void;
}

/** The headless re-auth state for building your own dialog. Needs `createExpiryproof(session, { reauth })`. */
export function useReauth(): ReauthHandle {
  const { reauth } = injectExpiryproof('useReauth');
  if (!reauth)
    throw new ExpiryproofVueError('no-reauth', 'useReauth() needs createExpiryproof(session, { reauth })');
  const state = shallowRef(reauth.getState());
  const [submitting, failure] = [shallowRef(false), shallowRef<unknown>(undefined)];
  untilDisposed(
    reauth.subscribe(() => {
      state.value = reauth.getState();
      // A new question starts without the last one's "wrong password".
      if (!state.value.open) failure.value = undefined;
    }),
  );

  const submit = async (signIn: () => Promise<Tokens>) => {
    submitting.value = true;
    failure.value = undefined;
    try {
      reauth.complete(await signIn());
    } catch (error) {
      failure.value = error;
    } finally {
      submitting.value = false;
    }
  };

  return {
    open: computed(() => state.value.open),
    reason: computed(() => state.value.error),
    submitting: readonly(submitting),
    failure: readonly(failure),
    submit,
    decline: reauth.decline,
  };
}
