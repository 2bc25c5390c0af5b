/** The reason an aborted signal carries, as a rejection value (an AbortError DOMException by default). */
export function abortReason(signal: AbortSignal): unknown {
  // Only polyfilled signals (React Native's) lack a reason; callers check the name, not the text.
  return signal.reason ?? new DOMException('Aborted', 'AbortError');
}

/**
 * Waits for a shared promise on behalf of one caller: the caller's abort rejects only its own wait,
 * never the shared work others are waiting for.
 */
export function waitFor<T>(shared: Promise<T>, signal: AbortSignal | null | undefined): Promise<T> {
  if (!signal) return shared;
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    shared.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** Resolves after `ms`, or as soon as `signal` aborts: callers check the signal when they wake. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  // The timer is short (backoff, a pause) and harmless once nobody waits for it.
  return waitFor(new Promise<void>((resolve) => setTimeout(resolve, ms)), signal).catch(() => {});
}
