import type { Session, SessionStatus } from '@expiryproof/core';
import { createContext, type ReactNode, useContext, useSyncExternalStore } from 'react';
import type { ReauthController } from './reauth-controller.js';

interface SessionContextValue {
  session: Session;
  reauth: ReauthController | undefined;
}

const SessionContext = createContext<SessionContextValue | null>(null);

/** Props of {@link SessionProvider}. */
export interface SessionProviderProps {
  session: Session;
  /** The controller whose `reauthenticate` the session was created with; needed by `useReauth` and `<ReauthDialog>`. */
  reauth?: ReauthController | undefined;
  children?: ReactNode;
}

/** Makes a session (and its re-auth controller) available to the hooks below it. */
export function SessionProvider({ session, reauth, children }: SessionProviderProps) {
  return <SessionContext.Provider value={{ session, reauth }}>{children}</SessionContext.Provider>;
}

export function useSessionContext(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('expiryproof: wrap your app in <SessionProvider session={...}>');
  return value;
}

/** The session and its live status: `signed-out`, `active`, `refreshing`, `reauth-required` or `expired`. */
export function useSession(): { session: Session; status: SessionStatus } {
  const { session } = useSessionContext();
  const status = useSyncExternalStore(
    (onChange) => session.on('status', onChange),
    () => session.getStatus(),
    () => session.getStatus(),
  );
  return { session, status };
}
