import type { TokenStorage, Tokens } from '../session/types.js';

/** Options of {@link webStorage}. */
export interface WebStorageOptions {
  /** The key the tokens are kept under. Default `expiryproof.tokens`. */
  key?: string | undefined;
}

/**
 * Persists tokens in a Web Storage area, e.g. `webStorage(sessionStorage)` or `webStorage(localStorage)`.
 * Anything a script on the page can read, an XSS can read too: prefer memory plus an httpOnly
 * refresh cookie where the server allows it.
 */
export function webStorage(
  area: Storage,
  { key = 'expiryproof.tokens' }: WebStorageOptions = {},
): TokenStorage {
  return {
    load() {
      const raw = area.getItem(key);
      return raw === null ? null : (JSON.parse(raw) as Tokens);
    },
    save(tokens) {
      if (tokens) area.setItem(key, JSON.stringify(tokens));
      else area.removeItem(key);
    },
  };
}
