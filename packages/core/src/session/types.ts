import type { ExpiryReason } from '../errors.js';

/** The token set a session holds. */
export interface Tokens {
  accessToken: string;
  refreshToken?: string | undefined;
  /**
   * When the access token expires: epoch milliseconds or a Date. Optional: a JWT's `exp` claim is
   * read when this is absent, and opaque tokens without it are refreshed only on 401.
   */
  expiresAt?: number | Date | undefined;
}

/** Why a refresh was started. */
export type RefreshReason = 'unauthorized' | 'proactive' | 'manual';

/** What `refresh` receives. */
export interface RefreshContext {
  /** The refresh token held by the session (undefined in cookie mode). */
  readonly refreshToken: string | undefined;
  /** Aborted when `refreshTimeout` runs out or the session is cleared. */
  readonly signal: AbortSignal;
  /** The transport without the session's interception: make the refresh call with it. */
  readonly fetch: typeof fetch;
  readonly reason: RefreshReason;
  /** 1 for the first attempt of this refresh, 2 for the first retry, ... */
  readonly attempt: number;
  /**
   * A random key for this refresh, the same for each of its retries (and for a later refresh that presents
   * the same refresh token again): send it as an `Idempotency-Key` header, so that a server that honours
   * it answers a retry whose first answer was lost with that same answer, instead of treating the spent
   * refresh token as stolen.
   */
  readonly idempotencyKey: string;
}

/** What `reauthenticate` receives. */
export interface ReauthContext {
  /** The refresh failure that made re-authentication necessary (undefined if the session had already expired). */
  readonly error: unknown;
  /**
   * Why a sign-in is needed: `refresh-rejected` (the refresh token was refused), `refresh-outcome-lost`
   * (a refresh answer was lost in transit and the retry was refused), or why the session had already expired.
   */
  readonly reason: ExpiryReason;
  /** Aborted when `reauthTimeout` runs out or the session is cleared: close the dialog then. */
  readonly signal: AbortSignal;
}

/**
 * Where a session keeps its tokens between page loads. Both calls are synchronous; a storage
 * that throws is replaced by memory for the rest of the session (a `warning` event says so).
 */
export interface TokenStorage {
  load(): Tokens | null;
  save(tokens: Tokens | null): void;
}

/** The lifecycle state of a session. */
export type SessionStatus = 'signed-out' | 'active' | 'refreshing' | 'reauth-required' | 'expired';

/** Payloads of the events a session emits. None of them holds a token. */
export interface SessionEventMap {
  /** The status changed. */
  status: { status: SessionStatus; previous: SessionStatus };
  /** New tokens are in place after a refresh or re-authentication. */
  refresh: { reason: RefreshReason; via: 'refresh' | 'reauthenticate'; attempts: number };
  /** One refresh attempt failed; `willRetry` tells whether another attempt follows. */
  'refresh-error': { error: unknown; attempt: number; kind: FailureKind; willRetry: boolean };
  /** The refresh token was rejected and `reauthenticate` is being asked for new tokens. */
  'reauth-required': { error: unknown; reason: ExpiryReason };
  /** The session ended; parked requests were rejected with `SessionExpiredError`. Emitted once per expiry. */
  expired: { reason: ExpiryReason };
  /** `clear()` was called, in this tab (`here: true`) or in a sibling tab: the person signed out. */
  'signed-out': { here: boolean };
  /** The stored tokens changed (set, refreshed or cleared). */
  tokens: { hasTokens: boolean };
  /** Something was off but the session carried on. */
  warning: { error: Error };
}

export type SessionEvent = keyof SessionEventMap;

/** How a failed refresh attempt is judged. */
export type FailureKind = 'rejected' | 'transient' | 'invalid';

/** Options of the session engine: everything but the page integration. */
export interface EngineOptions {
  /**
   * Tokens to start with; when absent, the storage is read. Either way, tokens that are already expired
   * are refreshed before the first request uses them.
   */
  tokens?: Tokens | undefined;
  /**
   * Obtains a new token set. Throw an error with `status` (or `response.status`) 400, 401 or 403 when
   * the refresh token is rejected; any other failure is treated as transient and retried with backoff.
   */
  refresh: (context: RefreshContext) => Promise<Tokens>;
  /**
   * Origins that may receive the bearer token, e.g. `['https://api.example.com']`.
   * Default: the page's own origin. Required where there is no page (Node, workers without location).
   */
  origins?: readonly string[] | undefined;
  /**
   * Asks the user to sign in again (e.g. a password dialog) when the refresh token is rejected.
   * Resolve new tokens to resume every parked request, or `null` when the user declines.
   */
  reauthenticate?: ((context: ReauthContext) => Promise<Tokens | null>) | undefined;
  /** Milliseconds a request waits for a refresh, all attempts included. Default 30 000. */
  refreshTimeout?: number | undefined;
  /** Milliseconds a request waits for `reauthenticate`. Default 300 000 (a person is typing). */
  reauthTimeout?: number | undefined;
  /** Refresh this many milliseconds before expiry (at most a quarter of the token's lifetime). Default 30 000. */
  leeway?: number | undefined;
  /** Backoff between transient refresh failures. Defaults: 250 ms doubling up to 4 000 ms, with jitter. */
  retryDelay?: { base?: number | undefined; max?: number | undefined } | undefined;
  /** Where tokens persist. Default: memory. See `webStorage()`. */
  storage?: TokenStorage | undefined;
  /** The transport `session.fetch` wraps. Default: the global `fetch`, looked up on every call. */
  fetch?: typeof fetch | undefined;
  /** Base for relative URLs. Default: the page's location. */
  baseUrl?: string | URL | undefined;
  /** The clock, in epoch milliseconds. Default: `Date.now`. */
  now?: (() => number) | undefined;
  /**
   * Decides which responses from allowed origins mean "the access token is no longer accepted" (then the
   * request parks, one refresh runs, and it is replayed once). Read the body through `response.clone()`,
   * so the caller's stays readable; a predicate that throws or rejects counts as `false`.
   * Whatever it says, a challenge with `error="insufficient_scope"` never counts: a new token cannot grant
   * a permission (RFC 6750). Default: status 401.
   *
   * @example isUnauthorized: (response) => response.status === 401 || response.status === 403
   */
  isUnauthorized?: ((response: Response) => boolean | Promise<boolean>) | undefined;
}

/** The part of the Web Locks API (`navigator.locks`) that keeps tabs' refreshes one at a time. */
export interface TabLocks {
  request<T>(name: string, options: { signal: AbortSignal }, work: () => Promise<T>): Promise<T>;
}

/** Options of {@link createSession}. */
export interface SessionOptions extends EngineOptions {
  /**
   * Tabs of one origin share one refresh (one at a time, under `navigator.locks`) and its result, and a
   * logout in one reaches all. On by default in a page; `name` tells apart sessions that must not share (two
   * APIs in one app); `locks` stands in for Web Locks where the platform lacks them (`channelLocks()` from
   * `@expiryproof/core/channel-locks`: Firefox before 96, Chrome before 69, Node before 24.5). Without BroadcastChannel
   * the session is simply single-tab.
   */
  crossTab?: boolean | { name?: string | undefined; locks?: TabLocks | undefined } | undefined;
  /**
   * Refresh ahead of need when the tab becomes visible, the network comes back, or the machine wakes
   * (the clock jumped): a token that expired meanwhile is renewed before the first request. On in a page.
   */
  renewOn?:
    | false
    | { visible?: boolean | undefined; online?: boolean | undefined; wake?: boolean | undefined }
    | undefined;
}

/** One HTTP exchange as a transport adapter describes it to {@link Session.run}. */
export interface Exchange<R> {
  /** Where the request goes; decides whether the token may be attached. */
  readonly url: string | URL;
  /** Sends the request once, with this Authorization header value (undefined: send none). */
  send(authorization: string | undefined): Promise<R>;
  /** The HTTP status of a result. */
  status(result: R): number;
  /** A response header of a result, by lower-case name (e.g. `www-authenticate`). */
  header(result: R, name: string): string | null | undefined;
  /** The result as a fetch `Response` for `isUnauthorized`: only called when that option is set. */
  response(result: R): Response;
  /** Releases a 401 result that a replay replaces (e.g. cancels its body). */
  discard?(result: R): void;
  /** Rejects waits for a refresh promptly when aborted. */
  readonly signal?: AbortSignal | null | undefined;
  /** False when the body cannot be sent twice: the refresh still happens, then `UnreplayableBodyError`. */
  readonly replayable?: boolean | undefined;
  /**
   * Set when the request already carries its own Authorization: where that header comes from, named in the
   * warning so the developer knows what to remove (e.g. `axios defaults.headers.common`). Such a request is
   * sent untouched (`send(undefined)`); when it goes to an allowed origin the session warns once
   * (`foreign-authorization`).
   */
  readonly authorizedBy?: string | undefined;
}

/** A session: token state, one refresh at a time, and the request cycle built on them. */
export interface Session {
  /**
   * `fetch` with the session's token attached and 401s recovered. Same contract as `fetch`. A request that
   * carries its own Authorization is left alone (a `foreign-authorization` warning says so once).
   */
  readonly fetch: typeof fetch;
  /** Runs one exchange through the request cycle: used by transport adapters such as `@expiryproof/axios`. */
  run<R>(exchange: Exchange<R>): Promise<R>;
  /** Subscribes to an event; returns the unsubscribe function. */
  on<E extends SessionEvent>(event: E, listener: (payload: SessionEventMap[E]) => void): () => void;
  /** Puts new tokens in place (after a login), resuming any parked request. Throws `InvalidTokensError` on bad input. */
  setTokens(tokens: Tokens): void;
  /** The current access token, or null. */
  getAccessToken(): string | null;
  /** The current status. */
  getStatus(): SessionStatus;
  /** Refreshes now (or joins the refresh under way). */
  refresh(): Promise<void>;
  /** Forgets the tokens (logout), in every tab. Parked requests reject with `SessionExpiredError('cleared')`. */
  clear(): void;
  /** Stops listening to other tabs and to page events. The session still works, as a single tab. */
  dispose(): void;
}
