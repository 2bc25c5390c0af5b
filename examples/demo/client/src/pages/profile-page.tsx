import { useDraft } from '@expiryproof/react';
import { useEffect, useRef, useState } from 'react';
import type { ApiClient } from '../api.js';

type SaveState =
  | { kind: 'idle' }
  | { kind: 'saving' }
  | { kind: 'saved'; at: number }
  | { kind: 'failed'; message: string };

/**
 * The long form of the story: a bio a person types for minutes, then saves. With `drafts`, unsaved text
 * is kept in the tab's storage, so even a full re-login redirect brings it back.
 */
export function ProfilePage({ api, drafts }: { api: ApiClient; drafts: boolean }) {
  const [bio, setBio, draft] = useDraft<string>('profile.bio', '', { enabled: drafts });
  const [save, setSave] = useState<SaveState>({ kind: 'idle' });
  const touched = useRef(draft.restored);
  const { reset } = draft;

  useEffect(() => {
    api
      .get<{ bio: string }>('/api/profile')
      // Never overwrite what the person has started typing.
      .then((profile) => touched.current || reset(profile.bio))
      .catch(() => {});
  }, [api, reset]);

  async function onSave() {
    setSave({ kind: 'saving' });
    try {
      const result = await api.post<{ savedAt: number }>('/api/profile/save', { bio });
      setSave({ kind: 'saved', at: result.savedAt });
      draft.saved();
    } catch (error) {
      setSave({ kind: 'failed', message: (error as Error).message });
    }
  }

  return (
    <section className="card">
      <h1>Profile settings</h1>
      <label htmlFor="bio">Bio</label>
      <textarea
        id="bio"
        rows={8}
        value={bio}
        onChange={(event) => {
          touched.current = true;
          setBio(event.target.value);
          if (save.kind !== 'saving') setSave({ kind: 'idle' });
        }}
      />
      <div className="actions">
        <button id="save-btn" type="button" onClick={onSave} disabled={save.kind === 'saving'}>
          {save.kind === 'saving' ? 'Saving…' : 'Save'}
        </button>
        {save.kind === 'saved' && (
          <p className="success-message" role="status">
            Saved at {new Date(save.at).toLocaleTimeString()}
          </p>
        )}
        {save.kind === 'failed' && (
          <p className="error-message" role="alert">
            Not saved: {save.message}. Your text is still here.
          </p>
        )}
      </div>
    </section>
  );
}
