import { type FormEvent, useState } from 'react';
import { DEMO_CREDENTIALS } from '../api.js';
import { navigate } from '../router.js';
import type { Variant } from '../variant.js';

export function LoginPage({ variant }: { variant: Variant }) {
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(undefined);
    try {
      await variant.auth.signIn(String(form.get('email')), String(form.get('password')));
      // Back to where a redirect to this page came from (same-origin paths only), else the profile.
      const next = new URLSearchParams(window.location.search).get('next');
      navigate(next?.startsWith('/') && !next.startsWith('//') ? next : `${variant.base}/settings/profile`);
    } catch (failure) {
      setError((failure as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="login">
      <h1>Sign in · {variant.name} client</h1>
      <p className="hint">
        Demo account: <code>{DEMO_CREDENTIALS.email}</code> / <code>{DEMO_CREDENTIALS.password}</code>
      </p>
      <form onSubmit={onSubmit}>
        <label>
          Email
          <input name="email" type="email" autoComplete="username" required />
        </label>
        <label>
          Password
          <input name="password" type="password" autoComplete="current-password" required />
        </label>
        {error && (
          <p className="error-message" role="alert">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          Sign in
        </button>
      </form>
    </main>
  );
}
