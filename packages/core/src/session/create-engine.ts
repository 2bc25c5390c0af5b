import {
  ConfigurationError,
  type ExpiryReason,
  SessionExpiredError,
  UnreplayableBodyError,
} from '../errors.js';
import { createSessionFetch } from '../fetch/session-fetch.js';
import { createEmitter } from './emitter.js';
import type { Hooks, Integration } from './integration.js';
import { createOriginPolicy } from './origins.js';
import { type Flight, type FlightDeps, startFlight } from './refresh-flight.js';
import { type Credential, createTokenStore, validateTokens } from './token-store.js';
import type { Exchange, RefreshReason, Session, SessionOptions, SessionStatus, Tokens } from './types.js';
import { waitFor } from './wait.js';

function duration(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value >= 0) || value === Number.POSITIVE_INFINITY) {
    throw new ConfigurationError(`options.${name} must be a finite number of milliseconds >= 0`);
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
  const policy = createOriginPolicy(options.origins, options.baseUrl);
  // Looked up per call so test tools that patch the global fetch later still see our requests.
  const transport: typeof fetch = (input, init) => (options.fetch ?? globalThis.fetch)(input, init);

  const store = createTokenStore({
    storage: options.storage,
    initial: options.tokens,
    leeway: duration(options.leeway, 30_000, 'leeway'),
    now: options.now ?? Date.now,
    // Deferred, so that warnings raised while the session is built reach listeners the caller adds next.
    warn: (error) => queueMicrotask(() => emitter.emit('warning', { error })),
  });

  let flight: Flight | null = null;
  /** When this tab took its tokens (epoch ms); 0 for tokens of unknown age (from storage or options). */
  let takenAt = 0;
  /** Why the session ended; undefined while it has not. */
  let expiredBy: ExpiryReason | undefined;
  // After clear() the user signed out on purpose: a 401 is theirs to see, not a reason to refresh.
  let mayRefresh = true;

  // The status is derived from the state above, never kept apart from it.
  const deriveStatus = (): SessionStatus =>
    expiredBy ? 'expired' : flight ? flight.phase : store.tokens ? 'active' : 'signed-out';
  let status = deriveStatus();
  function sync() {
    const previous = status;
    status = deriveStatus();
    if (status !== previous) emitter.emit('status', { status, previous });
  }

  function changeTokens(tokens: Tokens | null, at = Date.now()) {
    takenAt = at;
    store.set(tokens);
    if (tokens) expiredBy = undefined;
    emitter.emit('tokens', { hasTokens: tokens !== null });
    sync();
  }

  /** New tokens from outside a refresh (a login, a sibling tab): a refresh under way is no longer needed. */
  function adopt(tokens: Tokens, at?: number) {
    mayRefresh = true;
    changeTokens(tokens, at);
    flight?.end();
  }

  function expire(reason: ExpiryReason, cause?: unknown): SessionExpiredError {
    changeTokens(null);
    if (!expiredBy) {
      expiredBy = reason;
      sync();
      emitter.emit('expired', { reason });
    }
    return new SessionExpiredError(expiredBy, cause === undefined ? undefined : { cause });
  }

  function signOut(here: boolean) {
    mayRefresh = false;
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
    accept: changeTokens,
    expire,
    changed: sync,
    guard: hooks.guard ?? ((attempt) => attempt()),
    announce: (tokens) => hooks.announce?.(tokens),
  };

  function fly(reason: RefreshReason, skipRefresh = false): Flight {
    if (flight) return flight;
    const started: Flight = startFlight(
      flightDeps,
      reason,
      () => {
        if (flight === started) flight = null;
      },
      skipRefresh,
    );
    flight = started;
    sync();
    return started;
  }

  /** Starts a proactive refresh when the token has passed its refresh point and none is under way. */
  function refreshIfDue() {
    if (!flight && mayRefresh && store.due()) fly('proactive');
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

  /** After a 401 for `used`: the credential to replay with, or null when the 401 stands. */
  async function recover(
    used: Credential,
    signal: AbortSignal | null | undefined,
  ): Promise<Credential | null> {
    if (!flight) {
      if (expiredBy) {
        if (!options.reauthenticate) throw new SessionExpiredError(expiredBy);
        fly('unauthorized', true);
      } else if (
        used.generation !== store.generation &&
        store.credential().authorization !== used.authorization
      ) {
        // The token was replaced while this response was on its way: replay now, no new refresh.
        return store.credential();
      } else if (!mayRefresh) {
        return null;
      } else {
        fly('unauthorized');
      }
    }
    await waitFor(flight!.promise, signal);
    return store.credential();
  }

  async function run<R>(exchange: Exchange<R>): Promise<R> {
    const url = policy.resolve(exchange.url);
    if (!url || !policy.allows(url)) return exchange.send(undefined);
    const { signal } = exchange;
    const pending = credentialFor(signal);
    const used = pending instanceof Promise ? await pending : pending;
    const first = await exchange.send(used.authorization);
    if (exchange.status(first) !== 401) return first;
    let retry: Credential | null;
    try {
      retry = await recover(used, signal);
    } catch (error) {
      exchange.discard?.(first);
      throw error;
    }
    if (!retry) return first;
    exchange.discard?.(first);
    if (exchange.replayable === false) {
      throw new UnreplayableBodyError('The request body cannot be sent twice; send the request again');
    }
    const second = await exchange.send(retry.authorization);
    // The newest token was refused too: the session is over, but the caller still gets the response.
    if (exchange.status(second) === 401 && retry.generation === store.generation && !expiredBy) {
      expire('replay-rejected');
    }
    return second;
  }

  return {
    fetch: createSessionFetch(run, transport),
    run,
    on: emitter.on,
    setTokens: (tokens) => adopt(validateTokens(tokens, 'setTokens()')),
    getAccessToken: () => store.tokens?.accessToken ?? null,
    getStatus: () => status,
    refresh() {
      mayRefresh = true;
      return fly('manual', !!expiredBy && !!options.reauthenticate).promise;
    },
    clear: () => signOut(true),
    dispose: () => hooks.dispose?.(),
  };
}
