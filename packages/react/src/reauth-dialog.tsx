import type { Tokens } from '@expiryproof/core';
import { type CSSProperties, type KeyboardEvent, useEffect, useId, useRef } from 'react';
import { useReauth } from './use-reauth.js';

/** Props of {@link ReauthDialog}. */
export interface ReauthDialogProps {
  /** Signs in again with the password the person typed; resolve the new tokens or throw to show `failureText`. */
  login: (password: string) => Promise<Tokens>;
  /** The account, shown so the person knows who is signing in (and given to password managers). */
  username?: string | undefined;
  id?: string | undefined;
  title?: string | undefined;
  description?: string | undefined;
  submitLabel?: string | undefined;
  cancelLabel?: string | undefined;
  /** The message after a failed attempt. Default: a generic "check the password" line. */
  failureText?: ((error: unknown) => string) | undefined;
  /** Replaces the built-in inline styles (then style `[role=dialog]` yourself). */
  className?: string | undefined;
}

const backdrop: CSSProperties = {
  position: 'fixed',
  inset: 0,
  background: 'rgba(15, 23, 42, 0.45)',
  display: 'grid',
  placeItems: 'center',
  zIndex: 2147483000,
};
const panel: CSSProperties = {
  background: '#fff',
  color: '#0f172a',
  borderRadius: 8,
  padding: '1.5rem',
  width: 'min(24rem, calc(100vw - 2rem))',
  boxShadow: '0 10px 40px rgba(0,0,0,0.25)',
  font: '16px/1.4 system-ui, sans-serif',
};

const FOCUSABLE =
  'input:not([disabled]):not([hidden]), button:not([disabled]), [href], [tabindex]:not([tabindex="-1"])';

/**
 * An accessible modal that asks for the password when the session cannot be refreshed. It opens over
 * the page without touching it: typed input stays where it is, and the parked request completes after
 * sign-in. Escape or Cancel declines. Focus moves into the dialog, stays there, and returns afterwards.
 */
export function ReauthDialog({
  login,
  username,
  id = 'reauth-dialog',
  title = 'Your session has expired',
  description = 'Sign in again to continue. Nothing you entered has been lost.',
  submitLabel = 'Sign in',
  cancelLabel = 'Cancel',
  failureText = () => 'That did not work. Check the password and try again.',
  className,
}: ReauthDialogProps) {
  const { open, submitting, failure, submit, decline } = useReauth();
  const ids = useId();
  const dialog = useRef<HTMLDivElement>(null);
  const password = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (!open) return;
    const previous = document.activeElement as HTMLElement | null;
    password.current?.focus();
    return () => previous?.focus?.();
  }, [open]);

  useEffect(() => {
    if (failure !== undefined) password.current?.select();
  }, [failure]);

  if (!open) return null;

  function onKeyDown(event: KeyboardEvent) {
    if (event.key === 'Escape') {
      event.preventDefault();
      decline();
    } else if (event.key === 'Tab') {
      // Keep focus inside the modal.
      const items = [...(dialog.current?.querySelectorAll<HTMLElement>(FOCUSABLE) ?? [])];
      const [first, last] = [items[0], items[items.length - 1]];
      if (event.shiftKey && document.activeElement === first) {
        event.preventDefault();
        last?.focus();
      } else if (!event.shiftKey && document.activeElement === last) {
        event.preventDefault();
        first?.focus();
      }
    }
  }

  return (
    <div style={className ? undefined : backdrop} data-expiryproof-backdrop="">
      <div
        ref={dialog}
        id={id}
        role="dialog"
        aria-modal="true"
        aria-labelledby={`${ids}-title`}
        aria-describedby={`${ids}-description`}
        className={className}
        style={className ? undefined : panel}
        onKeyDown={onKeyDown}
      >
        <h2 id={`${ids}-title`} style={{ margin: '0 0 0.5rem', fontSize: '1.25rem' }}>
          {title}
        </h2>
        <p id={`${ids}-description`} style={{ margin: '0 0 1rem' }}>
          {description}
        </p>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            const value = password.current?.value ?? '';
            void submit(() => login(value));
          }}
        >
          {username !== undefined && (
            <p style={{ margin: '0 0 0.75rem' }}>
              Signed in as <strong>{username}</strong>
              <input type="text" name="username" autoComplete="username" value={username} readOnly hidden />
            </p>
          )}
          <label style={{ display: 'grid', gap: '0.25rem' }}>
            Password
            <input
              ref={password}
              type="password"
              name="password"
              autoComplete="current-password"
              required
              aria-invalid={failure !== undefined}
              style={{ padding: '0.5rem', font: 'inherit' }}
            />
          </label>
          {failure !== undefined && (
            <p role="alert" style={{ color: '#b91c1c', margin: '0.5rem 0 0' }}>
              {failureText(failure)}
            </p>
          )}
          <div style={{ display: 'flex', gap: '0.5rem', justifyContent: 'flex-end', marginTop: '1rem' }}>
            <button type="button" onClick={decline} disabled={submitting}>
              {cancelLabel}
            </button>
            <button type="submit" disabled={submitting} aria-busy={submitting}>
              {submitLabel}
            </button>
          </div>
        </form>
      </div>
    </div>
  );
}
