// @vitest-environment jsdom
import { useDraft } from '@expiryproof/react';
import { act, cleanup, render, screen } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';

afterEach(() => {
  cleanup();
  sessionStorage.clear();
});

function Form({ enabled = true, onRestore }: { enabled?: boolean; onRestore?: (v: string) => void }) {
  const [bio, setBio, draft] = useDraft<string>('profile.bio', '', { enabled, onRestore });
  return (
    <div>
      <textarea aria-label="bio" value={bio} onChange={(e) => setBio(e.target.value)} />
      <output data-testid="state">{`${draft.dirty ? 'dirty' : 'clean'} ${draft.restored ? 'restored' : 'fresh'}`}</output>
      <button type="button" onClick={draft.saved}>
        saved
      </button>
    </div>
  );
}

describe('useDraft', () => {
  it('keeps unsaved input across a remount (a full page load) and restores it', async () => {
    const user = userEvent.setup();
    const first = render(<Form />);
    await user.type(screen.getByLabelText('bio'), 'half-written');
    expect(screen.getByTestId('state').textContent).toBe('dirty fresh');
    first.unmount();

    const onRestore = vi.fn();
    render(<Form onRestore={onRestore} />);
    expect((screen.getByLabelText('bio') as HTMLTextAreaElement).value).toBe('half-written');
    expect(screen.getByTestId('state').textContent).toBe('dirty restored');
    expect(onRestore).toHaveBeenCalledTimes(1);
    expect(onRestore).toHaveBeenCalledWith('half-written');
  });

  it('clears itself after a successful save', async () => {
    const user = userEvent.setup();
    const view = render(<Form />);
    await user.type(screen.getByLabelText('bio'), 'done');
    await user.click(screen.getByRole('button', { name: 'saved' }));
    expect(sessionStorage.getItem('expiryproof.draft.profile.bio')).toBeNull();
    expect(screen.getByTestId('state').textContent).toBe('clean fresh');
    view.unmount();
    render(<Form />);
    expect((screen.getByLabelText('bio') as HTMLTextAreaElement).value).toBe('');
  });

  it('stores nothing when disabled', async () => {
    const user = userEvent.setup();
    render(<Form enabled={false} />);
    await user.type(screen.getByLabelText('bio'), 'not kept');
    expect(sessionStorage.length).toBe(0);
  });

  it('refuses keys that name passwords or tokens', () => {
    function Bad() {
      useDraft('login.password', '');
      return null;
    }
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(() => render(<Bad />)).toThrow(/never hold passwords or tokens/);
    quiet.mockRestore();
    act(() => {});
  });
});
