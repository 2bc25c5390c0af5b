import { pageIntegration } from './page/page-integration.js';
import { createEngine } from './session/create-engine.js';
import type { Session, SessionOptions } from './session/types.js';

/**
 * Creates a session: the token state, one refresh at a time, and a request cycle that parks requests
 * on 401, refreshes once for all of them and replays each at most once. In a page, the tabs of one
 * origin share their refreshes and logouts (`crossTab`) and a token that expired meanwhile is renewed
 * when the tab comes back (`renewOn`).
 *
 * @example
 * const session = createSession({
 *   origins: ['https://api.example.com'],
 *   refresh: async ({ refreshToken, fetch }) => {
 *     const res = await fetch('https://api.example.com/auth/refresh', { method: 'POST', body: JSON.stringify({ refreshToken }) });
 *     if (!res.ok) throw new HttpStatusError(res.status);
 *     return (await res.json()) as Tokens;
 *   },
 * });
 * await session.fetch('https://api.example.com/profile');
 */
export function createSession(options: SessionOptions): Session {
  return createEngine(options, pageIntegration);
}
