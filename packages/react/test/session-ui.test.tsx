// @vitest-environment jsdom

import { type AuthProcess, spawnAuthServer } from '@expiryproof/auth-server';
import type { Tokens } from '@expiryproof/core';
import {
  createReauthController,
  ReauthDialog,
  SessionProvider,
  useReauth,
  useSession,
} from '@expiryproof/react';
import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { useState } from 'react';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sessionFor } from '../../core/test/helpers.js';

// The server runs in its own process: jsdom's globals (typed arrays, AbortSignal) stay out of it.
const ctx = {} as { server: AuthProcess; tokens: Tokens };
beforeAll(async () => {
  ctx.server = await spawnAuthServer();
});
afterAll(() => ctx.server.stop());
beforeEach(async () => {
  await ctx.server.reset();
  ctx.tokens = await ctx.server.login();
});
const sessions: Array<{ dispose(): void }> = [];
afterEach(() => {
  cleanup();
  for (const session of sessions.splice(0)) session.dispose();
});

/** A settings form like the demo's: a textarea and a Save button that posts through the session. */
function Form({ onResult }: { onResult: (outcome: string) => void }) {
  const { session, status } = useSession();
  const [bio, setBio] = useState('');
  return (
    <div>
      <output data-testid="status">{status}</output>
      <textarea aria-label="bio" value={bio} onChange={(e) => setBio(e.target.value)} />
      <button
        type="button"
        onClick={() =>
          session
            .fetch(`${ctx.server.origin}/api/echo`, { method: 'POST', body: JSON.stringify({ bio }) })
            .then(
              (res) => onResult(`status ${res.status}`),
              (error: Error) => onResult(error.name),
            )
        }
      >
        Save
      </button>
    </div>
  );
}

function setup({ signedIn = true, ...options }: { reauthTimeout?: number; signedIn?: boolean } = {}) {
  const reauth = createReauthController();
  // One tab per test: cross-tab coordination has its own tests, and sessions of earlier tests must not answer.
  const { session, count } = sessionFor(ctx.server, signedIn ? ctx.tokens : undefined, {
    reauthenticate: reauth.reauthenticate,
    crossTab: false,
    ...options,
  });
  sessions.push(session);
  const results: string[] = [];
  const login = async (password: string) => {
    const res = await fetch(`${ctx.server.origin}/auth/login`, {
      method: 'POST',
      body: JSON.stringify({ email: 'demo@example.com', password }),
    });
    if (!res.ok) throw new Error(`login ${res.status}`);
    return res.json();
  };
  render(
    <SessionProvider session={session} reauth={reauth}>
      <Form onResult={(r) => results.push(r)} />
      <ReauthDialog login={login} username="demo@example.com" />
    </SessionProvider>,
  );
  return { session, count, results, user: userEvent.setup() };
}

describe('@expiryproof/react against a real auth server', () => {
  it('useSession follows the status through a refresh', async () => {
    const { user, results } = setup();
    const seen = new Set<string>();
    const observer = new MutationObserver(() => seen.add(screen.getByTestId('status').textContent!));
    observer.observe(screen.getByTestId('status'), { childList: true, subtree: true, characterData: true });
    expect(screen.getByTestId('status').textContent).toBe('active');
    await ctx.server.expire();
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(results).toEqual(['status 200']));
    observer.disconnect();
    expect(seen.has('refreshing')).toBe(true);
    expect(screen.getByTestId('status').textContent).toBe('active');
  });

  it('dead refresh token: the dialog opens over the untouched form, a wrong password keeps it open, the right one completes the save', async () => {
    const { user, results } = setup();
    await user.type(screen.getByLabelText('bio'), 'my long unsaved bio');
    await ctx.server.expire();
    await ctx.server.revoke();
    const save = screen.getByRole('button', { name: 'Save' });
    await user.click(save);
    const dialog = await screen.findByRole('dialog', { name: 'Your session has expired' });
    expect(dialog.id).toBe('reauth-dialog');
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    const password = screen.getByLabelText('Password');
    expect(document.activeElement).toBe(password);
    expect(screen.getByTestId('status').textContent).toBe('reauth-required');

    await user.type(password, 'wrong');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('alert')).toBeTruthy();
    expect(screen.getByRole('dialog')).toBeTruthy();
    expect(results).toEqual([]);

    await user.clear(password);
    await user.type(password, 'demo-password');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    await waitFor(() => expect(results).toEqual(['status 200']));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect((screen.getByLabelText('bio') as HTMLTextAreaElement).value).toBe('my long unsaved bio');
    expect(document.activeElement).toBe(save);
    const echoed = (await ctx.server.log()).filter((r) => r.path === '/api/echo');
    expect(echoed.map((r) => r.status)).toEqual([401, 200]);
  });

  it('Cancel (or Escape) declines: the save rejects with SessionExpiredError, the input stays', async () => {
    const { user, results } = setup();
    await user.type(screen.getByLabelText('bio'), 'keep me');
    await ctx.server.expire();
    await ctx.server.revoke();
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await screen.findByRole('dialog');
    await user.keyboard('{Escape}');
    await waitFor(() => expect(results).toEqual(['SessionExpiredError']));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect((screen.getByLabelText('bio') as HTMLTextAreaElement).value).toBe('keep me');
    expect(screen.getByTestId('status').textContent).toBe('expired');

    // Saving again asks again.
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await screen.findByRole('dialog');
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(results).toEqual(['SessionExpiredError', 'SessionExpiredError']));
  });

  it('a visitor who never signed in gets the 401 and no "session expired" dialog', async () => {
    const { user, results, count } = setup({ signedIn: false });
    expect(screen.getByTestId('status').textContent).toBe('signed-out');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(results).toEqual(['status 401']));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(screen.getByTestId('status').textContent).toBe('signed-out');
    expect(count('expired') + count('reauth-required')).toBe(0);
    // At most one silent refresh (a cookie-held session would have resumed through it).
    expect((await ctx.server.stats()).refreshCalls).toBe(1);
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(results).toEqual(['status 401', 'status 401']));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect((await ctx.server.stats()).refreshCalls).toBe(1);
  });

  it('keeps focus inside the dialog', async () => {
    const { user } = setup();
    await ctx.server.expire();
    await ctx.server.revoke();
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await screen.findByRole('dialog');
    const inside = () => screen.getByRole('dialog').contains(document.activeElement);
    for (let i = 0; i < 4; i++) {
      await user.tab();
      expect(inside()).toBe(true);
    }
    await user.tab({ shift: true });
    expect(inside()).toBe(true);
  });

  it('closes the dialog when reauthTimeout runs out', async () => {
    const { user, results } = setup({ reauthTimeout: 300 });
    await ctx.server.expire();
    await ctx.server.revoke();
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await screen.findByRole('dialog');
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull(), { timeout: 2_000 });
    expect(results).toEqual(['SessionExpiredError']);
  });

  it('useReauth without a controller, or hooks without a provider, fail with a clear message', () => {
    function Bare() {
      useReauth();
      return null;
    }
    const quiet = console.error;
    console.error = () => {};
    try {
      expect(() => render(<Bare />)).toThrow(/SessionProvider/);
    } finally {
      console.error = quiet;
    }
    act(() => {});
  });
});
