import { getCurrentInstance, onMounted, type Ref, reactive, ref, watch } from 'vue';

/** Options of {@link useDraft}. */
export interface DraftOptions<T> {
  /** Where drafts live. Default: sessionStorage (this tab only, gone when it closes). */
  storage?: Storage | undefined;
  /** False keeps the value in memory only, like `ref`. Default true. */
  enabled?: boolean | undefined;
  /** Called once after mount with a draft that was restored, e.g. to save it again automatically (opt-in replay). */
  onRestore?: ((value: T) => void) | undefined;
  /** Checks a stored draft before it is used (one an older form wrote may not fit); a rejected one is removed. */
  validate?: ((stored: unknown) => stored is T) | undefined;
}

/** The draft's state and what to do with it; a reactive object, so `draft.dirty` works in templates too. */
export interface DraftControls<T> {
  /** The value differs from what was last saved, and is kept in storage. */
  readonly dirty: boolean;
  /** The value came back from storage (e.g. after a reload or a full re-login redirect). */
  readonly restored: boolean;
  /** Call after a successful save: the draft is removed. */
  saved(): void;
  /** Throws the draft away (the value on screen stays). */
  discard(): void;
  /** Sets a clean value, e.g. what the server has: shown, but not kept as a draft. */
  reset(value: T): void;
}

const PREFIX = 'expiryproof.draft.';
// Drafts are readable by any script on the page and survive reloads: they must never hold credentials.
const FORBIDDEN = /pass(word)?|secret|token|otp|pin\b/i;

/**
 * Form state that survives leaving the page: while it is dirty it is kept in sessionStorage, so a reload or a
 * full re-login redirect brings it back; `saved()` clears it. Returns a ref for `v-model` and the controls.
 * Keys that name a password, token or secret are refused; a corrupt or rejected stored draft is dropped.
 */
export function useDraft<T>(
  key: string,
  initial: T,
  { storage = defaultStorage(), enabled = true, onRestore, validate }: DraftOptions<T> = {},
): [Ref<T>, DraftControls<T>] {
  if (FORBIDDEN.test(key))
    throw new TypeError(
      `useDraft refuses to keep ${JSON.stringify(key)}: drafts never hold passwords or tokens`,
    );
  const name = PREFIX + key;
  const stored = enabled ? load(storage, name, validate) : undefined;
  const value = ref(stored ? stored.value : initial) as Ref<T>;
  const state = reactive({ dirty: stored !== undefined, restored: stored !== undefined });
  // Sync and deep: each keystroke (also inside an object) is stored before a redirect can leave the page.
  watch(
    value,
    (next) => {
      state.dirty = true;
      if (enabled) write(storage, name, { value: next });
    },
    { deep: true, flush: 'sync' },
  );
  const clean = () => {
    state.dirty = false;
    write(storage, name, undefined);
  };
  if (stored && onRestore) {
    const restore = () => onRestore(value.value);
    getCurrentInstance() ? onMounted(restore) : queueMicrotask(restore);
  }
  // The watcher stores `next` synchronously; clean() then removes it again.
  const reset = (next: T) => {
    value.value = next;
    clean();
  };
  return [value, Object.assign(state, { saved: clean, discard: clean, reset })];
}

function defaultStorage(): Storage | undefined {
  try {
    return globalThis.sessionStorage;
  } catch {
    return undefined; // sessionStorage throws where storage is blocked
  }
}

function load<T>(storage: Storage | undefined, name: string, validate: DraftOptions<T>['validate']) {
  try {
    const raw = storage?.getItem(name);
    if (raw === null || raw === undefined) return undefined;
    const value: unknown = JSON.parse(raw);
    if (!validate || validate(value)) return { value: value as T };
  } catch {
    // Unreadable storage or a corrupt draft: start clean rather than fail the form.
  }
  write(storage, name, undefined);
  return undefined;
}

function write(storage: Storage | undefined, name: string, draft: { value: unknown } | undefined) {
  try {
    const text = draft && JSON.stringify(draft.value);
    if (text === undefined) storage?.removeItem(name);
    else storage?.setItem(name, text);
  } catch {
    // A full or blocked storage, or a value JSON cannot hold, loses the draft's persistence, not the value on
    // screen; an older draft must not come back in its place.
    if (draft) write(storage, name, undefined);
  }
}
