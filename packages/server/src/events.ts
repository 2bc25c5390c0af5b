import type { TokenEvent } from './types.js';

/** Calls `onEvent` without letting it change an answer: a throw or a rejected promise is swallowed. */
export function createEmitter(onEvent: ((event: TokenEvent) => void) | undefined) {
  return (event: TokenEvent) => {
    if (!onEvent) return;
    try {
      const returned: unknown = onEvent(event);
      if (returned instanceof Promise) returned.catch(() => {});
    } catch {
      // An audit listener's failure must not turn a rotation into an error.
    }
  };
}

export type Emit = ReturnType<typeof createEmitter>;
