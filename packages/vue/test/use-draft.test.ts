// @vitest-environment jsdom
// useDraft with jsdom's Web Storage: restore after a remount (a reload), what is and is not kept, and stored data
// that is corrupt, of the wrong shape, or cannot be written.
import { useDraft } from '@expiryproof/vue';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, defineComponent, effectScope, h, nextTick } from 'vue';

const KEY = 'expiryproof.draft.profile.bio';
afterEach(() => {
  sessionStorage.clear();
  document.body.innerHTML = '';
});

/** Runs the composable in an effect scope, as a component's setup would. */
function draftOf<T>(...args: Parameters<typeof useDraft<T>>) {
  const scope = effectScope();
  const [value, draft] = scope.run(() => useDraft<T>(...args))!;
  return { value, draft, scope };
}

/** Mounts a real component using the draft (a textarea bound to it) and returns its element and unmount. */
function mountForm(onRestore?: (value: string) => void) {
  const root = document.body.appendChild(document.createElement('div'));
  const calls: string[] = [];
  const app = createApp(
    defineComponent(() => {
      const [bio, draft] = useDraft('profile.bio', '', {
        onRestore: (value) => {
          calls.push(`restore ${value} mounted=${root.querySelector('textarea') !== null}`);
          onRestore?.(value);
        },
      });
      return () =>
        h('textarea', {
          value: bio.value,
          'data-state': `${draft.dirty ? 'dirty' : 'clean'} ${draft.restored ? 'restored' : 'fresh'}`,
          onInput: (e: Event) => (bio.value = (e.target as HTMLTextAreaElement).value),
        });
    }),
  );
  app.mount(root);
  const textarea = root.querySelector('textarea')!;
  return { textarea, calls, unmount: () => app.unmount() };
}

describe('useDraft', () => {
  it('keeps typed input across an unmount and a new mount (a reload), and calls onRestore once, after mount', async () => {
    const first = mountForm();
    first.textarea.value = 'half-written';
    first.textarea.dispatchEvent(new Event('input'));
    await nextTick();
    expect(first.textarea.dataset.state).toBe('dirty fresh');
    expect(sessionStorage.getItem(KEY)).toBe('"half-written"');
    first.unmount();

    const second = mountForm();
    expect(second.textarea.value).toBe('half-written');
    expect(second.textarea.dataset.state).toBe('dirty restored');
    expect(second.calls).toEqual(['restore half-written mounted=true']);
    second.unmount();
  });

  it('saved() clears the stored draft and marks it clean; the next mount starts empty', async () => {
    const { value, draft, scope } = draftOf('profile.bio', '');
    value.value = 'done';
    expect(draft.dirty).toBe(true);
    draft.saved();
    expect(draft.dirty).toBe(false);
    expect(sessionStorage.getItem(KEY)).toBeNull();
    scope.stop();
    expect(draftOf('profile.bio', 'initial').value.value).toBe('initial');
  });

  it('reset(value) shows a clean value without storing it; the next edit is a draft again', () => {
    const { value, draft } = draftOf('profile.bio', '');
    value.value = 'typed';
    draft.reset('from the server');
    expect(value.value).toBe('from the server');
    expect(draft.dirty).toBe(false);
    expect(sessionStorage.getItem(KEY)).toBeNull();
    value.value = 'edited';
    expect(draft.dirty).toBe(true);
    expect(sessionStorage.getItem(KEY)).toBe('"edited"');
  });

  it('keeps a change made inside an object (v-model on a field) at once, before any render', () => {
    const { value } = draftOf('profile', { name: '', tags: [] as string[] });
    value.value.name = 'Ada';
    value.value.tags.push('x');
    expect(JSON.parse(sessionStorage.getItem('expiryproof.draft.profile')!)).toEqual({
      name: 'Ada',
      tags: ['x'],
    });
  });

  it('a corrupt stored draft is dropped: the initial value, clean, and the entry removed', () => {
    sessionStorage.setItem(KEY, '{"unterminated');
    const { value, draft } = draftOf('profile.bio', 'initial');
    expect(value.value).toBe('initial');
    expect(draft.restored).toBe(false);
    expect(draft.dirty).toBe(false);
    expect(sessionStorage.getItem(KEY)).toBeNull();
  });

  it('a stored draft that validate rejects (an older form’s shape) is dropped; one it accepts is restored', () => {
    const isBio = (v: unknown): v is string => typeof v === 'string';
    sessionStorage.setItem(KEY, '{"bio":"old shape"}');
    expect(draftOf('profile.bio', '', { validate: isBio }).value.value).toBe('');
    expect(sessionStorage.getItem(KEY)).toBeNull();
    sessionStorage.setItem(KEY, '"fits"');
    expect(draftOf('profile.bio', '', { validate: isBio }).value.value).toBe('fits');
  });

  it('a full storage loses persistence (and the older draft), not the value on screen', () => {
    let filler = 'x'.repeat(1 << 20);
    let full = false;
    for (let i = 0; i < 20 && !full; i++) {
      try {
        sessionStorage.setItem(`filler-${i}`, filler);
      } catch {
        full = true;
      }
    }
    expect(full).toBe(true); // jsdom enforces the Web Storage quota
    filler = '';
    const { value, draft } = draftOf('profile.bio', '');
    value.value = 'small';
    expect(sessionStorage.getItem(KEY)).toBe('"small"');
    value.value = 'y'.repeat(1 << 20);
    expect(value.value).toHaveLength(1 << 20);
    expect(draft.dirty).toBe(true);
    expect(sessionStorage.getItem(KEY)).toBeNull();
  });

  it('a value JSON cannot hold removes the older stored draft instead of leaving it to come back', () => {
    const { value } = draftOf<{ self?: unknown; text: string }>('profile', { text: '' });
    value.value = { text: 'first' };
    const cyclic: { self?: unknown; text: string } = { text: 'second' };
    cyclic.self = cyclic;
    expect(() => {
      value.value = cyclic;
    }).not.toThrow();
    expect(sessionStorage.getItem('expiryproof.draft.profile')).toBeNull();
  });

  it('stores nothing when disabled', () => {
    const { value, draft } = draftOf('profile.bio', '', { enabled: false });
    value.value = 'not kept';
    expect(draft.dirty).toBe(true);
    expect(sessionStorage.length).toBe(0);
  });

  it('stops storing once its scope is disposed (an unmounted form writes nothing more)', () => {
    const { value, scope } = draftOf('profile.bio', '');
    value.value = 'before';
    scope.stop();
    value.value = 'after';
    expect(sessionStorage.getItem(KEY)).toBe('"before"');
  });

  it('outside a component, onRestore runs once, after the caller has its refs', async () => {
    sessionStorage.setItem(KEY, '"restored"');
    const seen: string[] = [];
    draftOf('profile.bio', '', { onRestore: (v) => seen.push(v) });
    expect(seen).toEqual([]);
    await Promise.resolve();
    expect(seen).toEqual(['restored']);
  });

  it.each(['login.password', 'api-token', 'client_secret', 'otp', 'card.pin'])(
    'refuses the key %s',
    (key) => {
      expect(() => draftOf(key, '')).toThrow(/never hold passwords or tokens/);
    },
  );
});
