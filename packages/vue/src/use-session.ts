import type { Session, SessionStatus } from '@expiryproof/core';
import { type Ref, readonly, shallowRef } from 'vue';
import { injectExpiryproof, untilDisposed } from './plugin.js';

/** What {@link useSession} returns. */
export interface SessionHandle {
  readonly session: Session;
  /** `signed-out`, `active`, `refreshing`, `reauth-required` or `expired`; follows every change. */
  readonly status: Readonly<Ref<SessionStatus>>;
}

/** The session and its live status. Call in `setup` (or an effect scope) below the plugin. */
export function useSession(): SessionHandle {
  const { session } = injectExpiryproof('useSession');
  const status = shallowRef(session.getStatus());
  untilDisposed(session.on('status', (change) => (status.value = change.status)));
  return { session, status: readonly(status) };
}
