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
  /** `false`: refreshes keep the same refresh token (no rotation, so no reuse detection). Default: rotate. */
  rotateRefresh?: boolean;
  /** The sign-in page (default `/login`): where sign-in happens and where clients send a lost session. */
  loginPath?: '/login' | '/signin';
  /** The refresh endpoint answers this long after it was called (a database round trip); default 0. */
  refreshDelayMs?: number;
}

/** How the client handles 401/403; see client/http.ts. */
export type ZooClient =
  | 'correct'
  | 'redirect'
  | 'retry-per-request'
  | 'loop'
  | 'refresh-401-only'
  /** Tabs share tokens through localStorage; each tab refreshes on its own (client/tabs.ts). */
  | 'tabs-independent'
  /** Tabs use `@expiryproof/core` (`createSession`, web storage, cross-tab on); see client/tabs.ts. */
  | 'tabs-expiryproof';

/**
 * Which pages an app has besides its sign-in page, and where sign-in lands (see `zooPages`).
 * - `notes` (default): /notes (a textarea and Save; sign-in lands here) and /dashboard.
 * - `settings`: /dashboard (sign-in lands here) and /settings, a `<select>` that saves on change and confirms
 *   with `window.alert`.
 * - `tasks`: /dashboard (sign-in lands here) and /tasks, a list whose "New task" dialog creates one.
 * - `dashboard`: /dashboard only (read-only panels and the third-party call): no form at all.
 * - `tabs`: /dashboard only, with 3 panels, a "Reload data" button and a logout button (client/tabs.ts).
 */
export type ZooUi = 'notes' | 'settings' | 'tasks' | 'dashboard' | 'tabs';

export interface ZooApp {
  name: string;
  shape: ZooShape;
  client: ZooClient;
  /** Default `notes`. */
  ui?: ZooUi;
}

/** What each HTML page hands the client bundle as `window.ZOO`. */
export interface ZooPageConfig {
  client: ZooClient;
  shape: ZooShape;
  thirdPartyOrigin: string;
  /** Default `notes`. */
  ui?: ZooUi;
}

/** The one user of every zoo app. */
export const ZOO_USER = { email: 'zoo@example.com', password: 'zoo-password' } as const;

/** The sign-in page of a shape. */
export function zooLoginPath(shape: ZooShape): '/login' | '/signin' {
  return shape.loginPath ?? '/login';
}

/** The pages of an app's UI besides its sign-in page; the first is where sign-in lands. */
export function zooPages(ui: ZooUi = 'notes'): readonly string[] {
  switch (ui) {
    case 'notes':
      return ['/notes', '/dashboard'];
    case 'settings':
      return ['/dashboard', '/settings'];
    case 'tasks':
      return ['/dashboard', '/tasks'];
    case 'dashboard':
    case 'tabs':
      return ['/dashboard'];
  }
}

/** Where sign-in lands. */
export function zooHome(ui: ZooUi = 'notes'): string {
  return zooPages(ui)[0]!;
}

/** The tasks every `tasks` app starts with, as if earlier runs had created them. */
export const ZOO_SEEDED_TASKS: readonly string[] = [
  'Water the plants',
  'Book the dentist',
  'Renew the passport',
];

/** The themes of a `settings` app (the server starts with the first). */
export const ZOO_THEMES = ['light', 'dark', 'solarized'] as const;
