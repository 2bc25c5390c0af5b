import type { SessionEvent, SessionEventMap } from './types.js';

type Listener<E extends SessionEvent> = (payload: SessionEventMap[E]) => void;

/** A typed event emitter owned by one session. */
export interface Emitter {
  on<E extends SessionEvent>(event: E, listener: Listener<E>): () => void;
  emit<E extends SessionEvent>(event: E, payload: SessionEventMap[E]): void;
}

export function createEmitter(): Emitter {
  const listeners = new Map<SessionEvent, Set<Listener<never>>>();
  return {
    on(event, listener) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener as Listener<never>);
      return () => void set.delete(listener as Listener<never>);
    },
    emit(event, payload) {
      for (const listener of [...(listeners.get(event) ?? [])]) {
        try {
          (listener as Listener<typeof event>)(payload);
        } catch (error) {
          // A faulty listener must not break the request cycle; surface it the way EventTarget does.
          queueMicrotask(() => {
            throw error;
          });
        }
      }
    },
  };
}
