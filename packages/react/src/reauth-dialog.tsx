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
  /**
   * Replaces the built-in look (then style `[role=dialog]`, its inputs and buttons yourself). To keep it and
   * change colours, radius or font, set the `--expiryproof-*` custom properties instead.
   */
  className?: string | undefined;
}

/**
 * The built-in look, themable without a stylesheet: every colour, the radius and the font read a CSS custom
 * property first (set them on `:root` or any ancestor), e.g. `--expiryproof-accent: #7c3aed`. The names and
 * defaults are listed in the README. `border-box` everywhere, so padding never pushes the panel off a
 * 320 px screen.
 */
const v = (name: string, fallback: string) => `var(--expiryproof-${name}, ${fallback})`;
const FONT = v('font', '16px/1.4 system-ui, sans-serif');
const ACCENT = v('accent', '#1d4ed8');
const RADIUS = v('radius', '8px');

const backdrop: CSSProperties = {
  position: 'fixed',
  inset: 0,
  background: v('backdrop', 'rgba(15, 23, 42, 0.45)'),
  display: 'grid',
  placeItems: 'center',
  padding: '1rem',
  boxSizing: 'border-box',
  zIndex: 2147483000,
};
const panel: CSSProperties = {
  boxSizing: 'border-box',
  background: v('surface', '#fff'),
  color: v('text', '#0f172a'),
  borderRadius: RADIUS,
  padding: 'clamp(1rem, 4vw, 1.5rem)',
  width: '100%',
  maxWidth: '24rem',
  maxHeight: 'calc(100vh - 2rem)',
  overflowY: 'auto',
  overflowWrap: 'anywhere',
  boxShadow: '0 10px 40px rgba(0,0,0,0.25)',
  font: FONT,
};
const input: CSSProperties = {
  boxSizing: 'border-box',
  width: '100%',
  padding: '0.5rem 0.625rem',
  font: 'inherit',
  color: 'inherit',
  background: v('input-surface', '#fff'),
  border: `1px solid ${v('border', '#94a3b8')}`,
  borderRadius: `calc(${RADIUS} / 2)`,
};
const button: CSSProperties = {
  boxSizing: 'border-box',
  minHeight: '2.5rem',
  padding: '0.5rem 1rem',
  font: 'inherit',
  fontWeight: 600,
  borderRadius: `calc(${RADIUS} / 2)`,
  cursor: 'pointer',
};
const primary: CSSProperties = {
  ...button,
  background: ACCENT,
  color: v('accent-text', '#fff'),
  border: `1px solid ${ACCENT}`,
};
const secondary: CSSProperties = {
  ...button,
  background: 'transparent',
  color: 'inherit',
  border: `1px solid ${v('border', '#94a3b8')}`,
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
              style={className ? undefined : input}
            />
          </label>
          {failure !== undefined && (
            <p role="alert" style={{ color: v('danger', '#b91c1c'), margin: '0.5rem 0 0' }}>
              {failureText(failure)}
            </p>
          )}
          <div
            style={{
              display: 'flex',
              flexWrap: 'wrap',
              gap: '0.5rem',
              justifyContent: 'flex-end',
              marginTop: '1rem',
            }}
          >
            <button
              type="button"
              onClick={decline}
              disabled={submitting}
              style={className ? undefined : secondary}
            >
              {cancelLabel}
            </button>
            <button
              type="submit"
              disabled={submitting}
              aria-busy={submitting}
              style={className ? undefined : { ...primary, opacity: submitting ? 0.7 : 1 }}
            >
              {submitLabel}
            </button>
          </div>
        </form>
      </div>
    </div>
  );
}
