import type { SessionEvent, SessionEventMap } from './types.js';

type Listener<E extends SessionEvent> = (payload: SessionEventMap[E]) => void;

/** A typed event emitter owned by one session. */
export interface Emitter {
  on<E extends SessionEvent>(event: E, listener: Listener<E>): () => void;
  emit<E extends SessionEvent>(event: E, payload: SessionEventMap[E]): void;
}

export function createEmitter(): Emitter {
  // No prototype: an unknown event name from plain JavaScript must not find `constructor` or `toString`.
  const listeners: { [E in SessionEvent]?: Set<Listener<never>> } = Object.create(null);
  return {
    on(event, listener) {
      const set = listeners[event] ?? new Set();
      listeners[event] = set;
      set.add(listener as Listener<never>);
      return () => void set.delete(listener as Listener<never>);
    },
    emit(event, payload) {
      for (const listener of [...(listeners[event] ?? [])]) {
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
