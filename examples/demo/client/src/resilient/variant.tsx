import { createSession, HttpStatusError, type Tokens, webStorage } from '@expiryproof/core';
import { createReauthController, ReauthDialog, SessionProvider, useSession } from '@expiryproof/react';
import type { ReactNode } from 'react';
import { type ApiClient, readJson } from '../api.js';
import { navigate } from '../router.js';
import type { Variant } from '../variant.js';

// Shared by the tabs of this origin, so a new tab knows the account (its tokens come from a sibling or a refresh).
const EMAIL_KEY = 'demo.email';
// `/login?sso=1` switches re-authentication to a full redirect, as a single sign-on provider would need.
const SSO_KEY = 'demo.sso';

function toTokens(body: { accessToken: string; expiresIn: number }): Tokens {
  return { accessToken: body.accessToken, expiresAt: Date.now() + body.expiresIn * 1000 };
}

/** Signs in by password; the refresh token comes back as an httpOnly cookie the page never sees. */
async function login(email: string, password: string): Promise<Tokens> {
  const res = await fetch('/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password, mode: 'cookie' }),
  });
  return toTokens(await readJson(res));
}

/** The client built with expiryproof: 401s are recovered, a dead session asks for the password in a dialog. */
export function createResilientVariant(): Variant {
  const reauth = createReauthController();
  const session = createSession({
    // The short-lived access token survives a reload within the tab; the refresh token stays in its cookie.
    storage: webStorage(sessionStorage),
    refresh: async ({ fetch, signal }) => {
      const res = await fetch('/auth/refresh', { method: 'POST', credentials: 'same-origin', signal });
      if (!res.ok) throw new HttpStatusError(res.status);
      return toTokens(await res.json());
    },
    reauthenticate: (context) => {
      if (localStorage.getItem(SSO_KEY) !== '1') return reauth.reauthenticate(context);
      // The page is left: the draft in sessionStorage is what brings the input back after sign-in.
      window.location.assign(`/login?next=${encodeURIComponent(window.location.pathname)}`);
      return Promise.resolve(null);
    },
  });
  if (new URLSearchParams(window.location.search).get('sso') === '1') localStorage.setItem(SSO_KEY, '1');

  // Signed out here or in another tab: show the login page.
  session.on('signed-out', () => {
    localStorage.removeItem(EMAIL_KEY);
    if (!window.location.pathname.endsWith('/login')) navigate('/login');
  });

  const api: ApiClient = {
    get: async (path) => readJson(await session.fetch(path)),
    post: async (path, body) =>
      readJson(
        await session.fetch(path, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }),
      ),
  };

  function Shell({ children }: { children: ReactNode }) {
    const email = localStorage.getItem(EMAIL_KEY) ?? '';
    return (
      <SessionProvider session={session} reauth={reauth}>
        <SessionBadge />
        {children}
        <ReauthDialog id="reauth-dialog" username={email} login={(password) => login(email, password)} />
      </SessionProvider>
    );
  }

  return {
    name: 'resilient',
    base: '',
    api,
    drafts: true,
    Shell,
    auth: {
      async signIn(email, password) {
        session.setTokens(await login(email, password));
        localStorage.setItem(EMAIL_KEY, email);
      },
      async signOut() {
        await fetch('/auth/logout', { method: 'POST', credentials: 'same-origin' }).catch(() => {});
        session.clear();
        localStorage.removeItem(EMAIL_KEY);
      },
      // A known account is enough: an expired session is recovered in place, not by leaving the page.
      hasSession: () => session.getAccessToken() !== null || localStorage.getItem(EMAIL_KEY) !== null,
    },
  };
}

function SessionBadge() {
  const { status } = useSession();
  return (
    <div className="session-badge" data-status={status} aria-live="polite">
      session: {status}
    </div>
  );
}
