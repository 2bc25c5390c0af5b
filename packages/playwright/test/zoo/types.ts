/**
 * The zoo: small apps shaped like the ones people really write, each a server shape plus a client. Shared by
 * the server (Node), the client (browser bundle) and the truth harness.
 */

/** How the server hands out and checks credentials. */
export interface ZooShape {
  /** Where the access token travels: `Authorization: Bearer`, a bare `x-access-token` header, or an httpOnly cookie. */
  credential: 'bearer' | 'x-access-token' | 'cookie';
  /** Where the refresh token lives: in the JSON body (the client keeps it in localStorage) or in an httpOnly cookie. */
  refreshIn: 'body' | 'cookie';
  /** The status for an invalid or expired access token (a missing one is always 401). */
  expiredStatus: 401 | 403;
  /** The login page first asks the server whether there is a session already (GET /api/me, maybe a refresh). */
  sessionCheck: boolean;
  /** Clicking Save freezes the renderer. */
  freezeOnSave?: boolean;
}

/** How the client handles 401/403; see client/http.ts. */
export type ZooClient = 'correct' | 'redirect' | 'retry-per-request' | 'loop' | 'refresh-401-only';

export interface ZooApp {
  name: string;
  shape: ZooShape;
  client: ZooClient;
}

/** What each HTML page hands the client bundle as `window.ZOO`. */
export interface ZooPageConfig {
  client: ZooClient;
  shape: ZooShape;
  thirdPartyOrigin: string;
}

/** The one user of every zoo app. */
export const ZOO_USER = { email: 'zoo@example.com', password: 'zoo-password' } as const;
