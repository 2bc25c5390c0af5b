import type { TokenStorage, Tokens } from '../session/types.js';

/** Keeps tokens in this object only: gone on reload, invisible to other scripts' storage reads. */
export function memoryStorage(): TokenStorage {
  let tokens: Tokens | null = null;
  return {
    load: () => tokens,
    save: (next) => {
      tokens = next;
    },
  };
}
