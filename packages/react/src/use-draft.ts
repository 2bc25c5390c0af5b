import { useCallback, useEffect, useRef, useState } from 'react';

/** Options of {@link useDraft}. */
export interface DraftOptions<T> {
  /** Where drafts live. Default: sessionStorage (this tab only, gone when it closes). */
  storage?: Storage | undefined;
  /** False keeps the value in memory only, like useState. Default true. */
  enabled?: boolean | undefined;
  /** Called once after mount with a draft that was restored, e.g. to save it again automatically (opt-in replay). */
  onRestore?: ((value: T) => void) | undefined;
}

/** What {@link useDraft} returns besides the value and its setter. */
export interface DraftControls {
  /** The value differs from what was last saved, and is kept in storage. */
  dirty: boolean;
  /** The value came back from storage (e.g. after a full re-login redirect). */
  restored: boolean;
  /** Call after a successful save: the draft is removed. */
  saved(): void;
  /** Throws the draft away. */
  discard(): void;
  /** Sets a clean value, e.g. what the server has: shown, but not kept as a draft. */
  reset(value: unknown): void;
}

const PREFIX = 'expiryproof.draft.';
// Drafts are readable by any script on the page and survive reloads: they must never hold credentials.
const FORBIDDEN = /pass(word)?|secret|token|otp|pin\b/i;

function defaultStorage(): Storage | undefined {
  try {
    return globalThis.sessionStorage;
  } catch {
    return undefined;
  }
}

/**
 * A piece of form state that survives leaving the page: while it is dirty it is kept in sessionStorage,
 * so a full re-login redirect (single sign-on) brings it back; `saved()` clears it. Keys that name a
 * password, token or secret are refused.
 */
export function useDraft<T>(
  key: string,
  initial: T,
  { storage = defaultStorage(), enabled = true, onRestore }: DraftOptions<T> = {},
): [T, (value: T) => void, DraftControls] {
  if (FORBIDDEN.test(key))
    throw new TypeError(
      `useDraft refuses to keep ${JSON.stringify(key)}: drafts never hold passwords or tokens`,
    );
  const name = PREFIX + key;
  const [state, setState] = useState(() => {
    const raw = enabled ? read(storage, name) : null;
    return raw === null
      ? { value: initial, dirty: false, restored: false }
      : { value: JSON.parse(raw) as T, dirty: true, restored: true };
  });
  const restoreHandler = useRef(onRestore);
  restoreHandler.current = onRestore;

  // Once, for what was restored at mount: later changes of the value are not restorations.
  const restoredAtMount = useRef(state.restored ? { value: state.value } : undefined);
  useEffect(() => {
    const restored = restoredAtMount.current;
    restoredAtMount.current = undefined;
    if (restored) restoreHandler.current?.(restored.value);
  }, []);

  const setValue = useCallback(
    (value: T) => {
      setState((previous) => ({ ...previous, value, dirty: true }));
      if (enabled) write(storage, name, JSON.stringify(value));
    },
    [enabled, storage, name],
  );
  const forget = useCallback(() => {
    setState((previous) => ({ ...previous, dirty: false }));
    write(storage, name, null);
  }, [storage, name]);

  const reset = useCallback(
    (value: unknown) => {
      setState((previous) => ({ ...previous, value: value as T, dirty: false }));
      write(storage, name, null);
    },
    [storage, name],
  );

  return [
    state.value,
    setValue,
    { dirty: state.dirty, restored: state.restored, saved: forget, discard: forget, reset },
  ];
}

function read(storage: Storage | undefined, name: string): string | null {
  try {
    return storage?.getItem(name) ?? null;
  } catch {
    return null;
  }
}

function write(storage: Storage | undefined, name: string, value: string | null) {
  try {
    if (value === null) storage?.removeItem(name);
    else storage?.setItem(name, value);
  } catch {
    // A full or blocked storage loses the draft's persistence, not the value on screen.
  }
}
