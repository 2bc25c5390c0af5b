import {
  ConfigurationError,
  type ExpiryReason,
  SessionExpiredError,
  SessionWarning,
  UnreplayableBodyError,
} from '../errors.js';
import { createSessionFetch } from '../fetch/session-fetch.js';
import { createEmitter } from './emitter.js';
import type { Hooks, Integration } from './integration.js';
import { createOriginPolicy } from './origins.js';
import { randomId } from './random-id.js';
import {
  type Flight,
  type FlightDeps,
  type FlightMode,
  type Rotation,
  startFlight,
} from './refresh-flight.js';
import { type Credential, createTokenStore, validateTokens } from './token-store.js';
import type { Exchange, RefreshReason, Session, SessionOptions, SessionStatus, Tokens } from './types.js';
import { waitFor } from './wait.js';

/** RFC 6750: a missing scope is about permissions, which a new token cannot grant. */
const scopeOnly = <R>(exchange: Exchange<R>, result: R) =>
  /insufficient_scope/.test(exchange.header(result, 'www-authenticate') ?? '');

function duration(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  // isFinite also refuses non-numbers from plain JavaScript.
  if (!(Number.isFinite(value) && value >= 0)) {
    throw new ConfigurationError(`options.${name} must be finite milliseconds >= 0`);
  }
  return value;
}

/**
 * The session engine: the token state, one refresh at a time, and a request cycle that parks requests
 * on 401, refreshes once for all of them and replays each at most once. `integrate` lets the page's
 * tabs and events take part (see `pageIntegration`); without it the session is single-tab.
 */
export function createEngine(options: SessionOptions, integrate?: Integration): Session {
  if (typeof options?.refresh !== 'function')
    throw new ConfigurationError('options.refresh must be a function');
  const refreshTimeout = duration(options.refreshTimeout, 30_000, 'refreshTimeout');
  const reauthTimeout = duration(options.reauthTimeout, 300_000, 'reauthTimeout');
  const emitter = createEmitter();
  const allows = createOriginPolicy(options);
  // Looked up per call so test tools that patch the global fetch later still see our requests.
  const transport: typeof fetch = (input, init) => (options.fetch ?? globalThis.fetch)(input, init);

  const store = createTokenStore(
    options,
    duration(options.leeway, 30_000, 'leeway'),
    // Deferred, so that warnings raised while the session is built reach listeners the caller adds next.
    (error) => queueMicrotask(() => emitter.emit('warning', { error })),
  );

  let flight: Flight | null = null;
  /** When this tab took its tokens (epoch ms); 0 for tokens of unknown age (from storage or options). */
  let takenAt = 0;
  /** Why the session ended; undefined while it has not. */
  let expiredBy: ExpiryReason | undefined;
  // From when (epoch ms) a 401 may start a refresh: never after clear() (the user signed out on purpose: a
  // 401 is theirs to see) or a flight that ended without tokens, until tokens arrive; after a silent try that
  // got no answer either way, once the longest retry delay has passed (not by every 401 of the same burst).
  let refreshFrom = 0;
  let warnedAuthorization = false;
  /** The rotation asked for with the refresh token held now (see `Rotation`). */
  let rotation: Rotation | undefined;

  // The status is derived from the state above, never kept apart from it.
  const deriveStatus = (): SessionStatus =>
    expiredBy ? 'expired' : flight ? flight.phase : store.tokens ? 'active' : 'signed-out';
  let status = deriveStatus();
  function sync() {
    const previous = status;
    status = deriveStatus();
    if (status !== previous) emitter.emit('status', { status, previous });
  }

  function changeTokens(tokens: Tokens | null, at = Date.now(), issuedNow = false) {
    takenAt = at;
    rotation = undefined;
    store.set(tokens, issuedNow);
    // Tokens, from wherever they come (a sign-in dialog included), make 401s recoverable again.
    if (tokens) {
      expiredBy = undefined;
      refreshFrom = 0;
    }
    emitter.emit('tokens', { hasTokens: tokens !== null });
    sync();
  }

  /**
   * New tokens from outside a refresh (a login, a sibling tab's refresh at `at`, the storage): a refresh
   * under way is no longer needed.
   */
  function adopt(tokens: Tokens, at?: number, issuedNow = at !== undefined) {
    changeTokens(tokens, at, issuedNow);
    flight?.end();
  }

  function expire(reason: ExpiryReason, cause?: unknown): SessionExpiredError {
    changeTokens(null);
    if (!expiredBy) {
      expiredBy = reason;
      sync();
      emitter.emit('expired', { reason });
    }
    return new SessionExpiredError(expiredBy, { cause });
  }

  function signOut(here: boolean) {
    refreshFrom = Infinity;
    expiredBy = undefined;
    changeTokens(null);
    flight?.end(new SessionExpiredError('cleared'));
    if (here) hooks.signedOut?.();
    emitter.emit('signed-out', { here });
  }

  const hooks: Hooks =
    integrate?.(
      {
        get tokens() {
          return store.tokens;
        },
        get takenAt() {
          return takenAt;
        },
        adopt,
        signOut: () => signOut(false),
        refreshIfDue,
      },
      options,
    ) ?? {};

  // The same for every flight of this session.
  const flightDeps: FlightDeps = {
    options,
    refreshTimeout,
    reauthTimeout,
    refreshToken: () => store.tokens?.refreshToken,
    transport,
    emit: emitter.emit,
    accept: (tokens) => changeTokens(tokens, undefined, true),
    expire,
    changed: sync,
    guard: hooks.guard ?? ((attempt) => attempt()),
    announce: (tokens) => hooks.announce?.(tokens),
    rotation: () => (rotation ??= { idempotencyKey: randomId(), lost: false }),
    async lookAround(signal) {
      const stored = store.stored();
      // Another tab (or process) sharing the storage saved tokens after ours: theirs may still be good.
      if (stored && stored.refreshToken !== store.tokens?.refreshToken) adopt(stored, 0, false);
      else await hooks.lookAround?.(signal);
    },
  };

  function fly(reason: RefreshReason, mode: FlightMode = 'refresh'): Flight {
    if (flight) return flight;
    const started: Flight = startFlight(
      flightDeps,
      reason,
      () => {
        if (flight === started) flight = null;
        // Ended without tokens (a refused silent refresh, an expiry, a logout): 401s no longer start refreshes;
        // after a silent try that got no answer either way (a blip on page load), later ones may.
        if (!store.tokens)
          refreshFrom = started.inconclusive ? Date.now() + (options.retryDelay?.max ?? 4_000) : Infinity;
      },
      mode,
    );
    flight = started;
    sync();
    return started;
  }

  /** Starts a proactive refresh when the token has passed its refresh point and none is under way. */
  function refreshIfDue() {
    if (!flight && store.due() && Date.now() >= refreshFrom) fly('proactive');
  }

  /**
   * The credential for a request about to go out: waits for a refresh under way, or starts one when due.
   * Synchronous when nothing is pending, so the hot path costs no extra tick.
   */
  function credentialFor(signal: AbortSignal | null | undefined): Credential | Promise<Credential> {
    refreshIfDue();
    return flight ? afterFlight(flight, signal) : store.credential();
  }

  async function afterFlight(current: Flight, signal: AbortSignal | null | undefined): Promise<Credential> {
    try {
      await waitFor(current.promise, signal);
    } catch (error) {
      // A proactive refresh that failed transiently need not stop a request whose token still works.
      const stillUsable = current.reason === 'proactive' && !SessionExpiredError.is(error) && store.fresh();
      if (signal?.aborted || !stillUsable || !store.tokens) throw error;
    }
    return store.credential();
  }

  /** After a refused request sent with `used`: the credential to replay with, or null when the answer stands. */
  async function recover(
    used: Credential,
    signal: AbortSignal | null | undefined,
  ): Promise<Credential | null> {
    if (!flight) {
      const current = store.credential();
      if (expiredBy) {
        // Sent before the session ended, it shares its parked peers' fate; only requests made after the
        // expiry may ask the person again (one decline must not bring the dialog back).
        if (used !== current || !options.reauthenticate) throw new SessionExpiredError(expiredBy);
        fly('unauthorized', expiredBy);
      } else if (used !== current && current.authorization !== used.authorization) {
        // The token was replaced while this response was on its way: replay now, no new refresh.
        return current.authorization ? current : null;
      } else if (Date.now() < refreshFrom) {
        return null;
      } else {
        // Without tokens (a visitor who never signed in, a refresh token held in an httpOnly cookie), one
        // silent refresh may resume a session; it never asks anyone to sign in and never expires anything.
        fly('unauthorized', store.tokens ? 'refresh' : 'silent');
      }
    }
    await waitFor(flight!.promise, signal);
    const next = store.credential();
    return next.authorization ? next : null;
  }

  /**
   * Whether a result says the access token is no longer accepted. Synchronous with the default test,
   * so an ordinary response costs no extra tick.
   */
  function refused<R>(exchange: Exchange<R>, result: R): boolean | Promise<boolean> {
    const test = options.isUnauthorized;
    if (!test) return exchange.status(result) === 401 && !scopeOnly(exchange, result);
    return (async () => (await test(exchange.response(result))) && !scopeOnly(exchange, result))().catch(
      () => false,
    );
  }

  async function run<R>(exchange: Exchange<R>): Promise<R> {
    if (!allows(exchange.url)) return exchange.send(undefined);
    const by = exchange.authorizedBy;
    if (by) {
      if (!warnedAuthorization) {
        warnedAuthorization = true;
        emitter.emit('warning', {
          error: new SessionWarning('foreign-authorization', `Authorization set by ${by}: remove it there`),
        });
      }
      return exchange.send(undefined);
    }
    const { signal } = exchange;
    const pending = credentialFor(signal);
    const used = pending instanceof Promise ? await pending : pending;
    const first = await exchange.send(used.authorization);
    const verdict = refused(exchange, first);
    if (verdict !== true && !(verdict && (await verdict))) return first;
    let retry: Credential | null | undefined;
    try {
      retry = await recover(used, signal);
    } finally {
      // The refused answer is replaced by the replay or by an error; only a null retry hands it back.
      if (retry !== null) exchange.discard?.(first);
    }
    if (!retry) return first;
    if (exchange.replayable === false) {
      throw new UnreplayableBodyError('The request body cannot be sent twice');
    }
    const second = await exchange.send(retry.authorization);
    // The newest token was refused too: the session is over, but the caller still gets the response. Not
    // for a 403: a server that answers 403 to an expired token also answers it for "forbidden", so a 403
    // after a fresh token is about permissions; it is handed back and the session goes on.
    if (
      (await refused(exchange, second)) &&
      exchange.status(second) !== 403 &&
      retry === store.credential() &&
      !expiredBy
    ) {
      expire('replay-rejected');
    }
    return second;
  }

  return {
    fetch: createSessionFetch(run, transport, allows),
    run,
    on: emitter.on,
    setTokens: (tokens) => adopt(validateTokens(tokens, 'setTokens()')),
    getAccessToken: () => store.tokens?.accessToken ?? null,
    getStatus: () => status,
    refresh() {
      refreshFrom = 0;
      return fly('manual', expiredBy && options.reauthenticate ? expiredBy : 'refresh').promise;
    },
    clear: () => signOut(true),
    dispose: () => hooks.dispose?.(),
  };
}
