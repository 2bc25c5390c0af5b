import {
  ConfigurationError,
  type ExpiryReason,
  SessionExpiredError,
  type SessionWarning,
  UnreplayableBodyError,
} from './errors.js';
import { createSessionFetch } from './fetch/session-fetch.js';
import { createCrossTab, type TabMessage } from './session/cross-tab.js';
import { createEmitter } from './session/emitter.js';
import { createOriginPolicy } from './session/origins.js';
import { type Flight, startFlight } from './session/refresh-flight.js';
import { type Credential, createTokenStore, validateTokens } from './session/token-store.js';
import type {
  Exchange,
  RefreshReason,
  Session,
  SessionOptions,
  SessionStatus,
  Tokens,
} from './session/types.js';
import { sleep, waitFor } from './session/wait.js';

function duration(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value >= 0) || value === Number.POSITIVE_INFINITY) {
    throw new ConfigurationError(`options.${name} must be a finite number of milliseconds >= 0`);
  }
  return value;
}

/**
 * Creates a session: the token state, one refresh at a time, and a request cycle that parks requests
 * on 401, refreshes once for all of them and replays each at most once.
 *
 * @example
 * const session = createSession({
 *   origins: ['https://api.example.com'],
 *   refresh: async ({ refreshToken, fetch }) => {
 *     const res = await fetch('https://api.example.com/auth/refresh', { method: 'POST', body: JSON.stringify({ refreshToken }) });
 *     if (!res.ok) throw new HttpStatusError(res.status);
 *     return res.json();
 *   },
 * });
 * await session.fetch('https://api.example.com/profile');
 */
export function createSession(options: SessionOptions): Session {
  if (typeof options?.refresh !== 'function')
    throw new ConfigurationError('options.refresh must be a function');
  const refreshTimeout = duration(options.refreshTimeout, 30_000, 'refreshTimeout');
  const reauthTimeout = duration(options.reauthTimeout, 300_000, 'reauthTimeout');
  const leeway = duration(options.leeway, 30_000, 'leeway');
  const emitter = createEmitter();
  const policy = createOriginPolicy(options.origins, options.baseUrl);
  // Looked up per call so test tools that patch the global fetch later still see our requests.
  const transport: typeof fetch = (input, init) => (options.fetch ?? globalThis.fetch)(input, init);

  // Warnings raised while the session is built are held until the caller has had a chance to subscribe.
  let early: SessionWarning[] | undefined = [];
  const warn = (error: SessionWarning) => (early ? early.push(error) : emitter.emit('warning', { error }));
  queueMicrotask(() => {
    for (const error of early ?? []) emitter.emit('warning', { error });
    early = undefined;
  });
  const store = createTokenStore({
    storage: options.storage,
    initial: options.tokens,
    leeway,
    now: options.now ?? Date.now,
    warn,
  });

  let flight: Flight | null = null;
  /**
   * When this tab took its tokens (epoch ms); 0 for tokens of unknown age (from storage or options).
   * A sibling that refreshed after that holds newer ones.
   */
  let tokensSetAt = 0;
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

  function changeTokens(tokens: Tokens | null, takenAt = Date.now()) {
    tokensSetAt = takenAt;
    store.set(tokens);
    if (tokens) expiredBy = undefined;
    emitter.emit('tokens', { hasTokens: tokens !== null });
    sync();
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

  const inPage = typeof document !== 'undefined' && typeof window !== 'undefined';
  const crossTabOption = options.crossTab ?? inPage;
  const crossTab = crossTabOption
    ? createCrossTab(
        `expiryproof:${(typeof crossTabOption === 'object' && crossTabOption.name) || 'session'}`,
        onTabMessage,
      )
    : undefined;

  function onTabMessage(message: TabMessage) {
    if (message.type === 'logout') return signOut(false);
    if (message.type === 'ask') {
      if (store.tokens && tokensSetAt)
        crossTab?.publish({ type: 'tokens', tokens: store.tokens, at: tokensSetAt });
      return;
    }
    // Only tokens newer than ours, and from the latest refresh we know of: a sibling that has not caught
    // up yet may answer with tokens as stale as our own.
    if (
      message.type !== 'tokens' ||
      message.at <= tokensSetAt ||
      message.at < (crossTab?.lastSiblingRefresh() ?? 0) ||
      // The very token we hold (a sibling that loaded the same stale one) is no news.
      message.tokens.accessToken === store.tokens?.accessToken
    )
      return;
    // A sibling refreshed (or signed in): take its tokens; a refresh of ours under way is no longer needed.
    mayRefresh = true;
    changeTokens(message.tokens, message.at);
    flight?.end();
  }

  /** One refresh attempt, inside the cross-tab lock; skipped when a sibling's fresh tokens arrive first. */
  async function guard<T>(attempt: () => Promise<T>, signal: AbortSignal): Promise<T | undefined> {
    if (!crossTab) return attempt();
    // A sibling that refreshed after we took our tokens has sent newer ones; adopting them ends this flight.
    const siblingAhead = () => crossTab.lastSiblingRefresh() > tokensSetAt;
    // Ask the siblings for their newer tokens; one that has them answers within milliseconds.
    const adoption = () => {
      crossTab.publish({ type: 'ask' });
      return sleep(250, signal).catch(() => {});
    };
    return crossTab.exclusive(async () => {
      if (siblingAhead()) await adoption();
      if (signal.aborted) return undefined;
      try {
        const tokens = await attempt();
        // Hold the lock a moment so our tokens reach the siblings before one of them takes it.
        await new Promise((resolve) => setTimeout(resolve, 25));
        return tokens;
      } catch (error) {
        // Our refresh token may have been spent by a sibling a moment ago: wait for its tokens before giving up.
        if (!siblingAhead()) throw error;
        await adoption();
        if (signal.aborted) return undefined;
        throw error;
      }
    }, signal);
  }

  const cleanups: Array<() => void> = [() => crossTab?.close()];
  const renewOn = options.renewOn ?? (inPage ? {} : false);
  if (renewOn && inPage) {
    const listen = (target: EventTarget, event: string, handler: () => void) => {
      target.addEventListener(event, handler);
      cleanups.push(() => target.removeEventListener(event, handler));
    };
    if (renewOn.visible !== false)
      listen(document, 'visibilitychange', () => document.visibilityState === 'visible' && refreshIfDue());
    if (renewOn.online !== false) listen(window, 'online', refreshIfDue);
    if (renewOn.wake !== false) {
      // Timers stop while a machine sleeps: a tick that comes far too late means it woke up.
      let last = Date.now();
      const timer = setInterval(() => {
        if (Date.now() - last > 40_000) refreshIfDue();
        last = Date.now();
      }, 10_000);
      cleanups.push(() => clearInterval(timer));
    }
  }

  function signOut(tellSiblings: boolean) {
    mayRefresh = false;
    expiredBy = undefined;
    changeTokens(null);
    flight?.end(new SessionExpiredError('cleared'));
    if (tellSiblings) crossTab?.publish({ type: 'logout' });
    emitter.emit('signed-out', { here: tellSiblings });
  }

  function fly(reason: RefreshReason, skipRefresh = false): Flight {
    if (flight) return flight;
    const started: Flight = startFlight(
      {
        options,
        refreshTimeout,
        reauthTimeout,
        refreshToken: () => store.tokens?.refreshToken,
        transport,
        emit: emitter.emit,
        accept: changeTokens,
        expire,
        changed: sync,
        guard,
        announce(tokens) {
          const at = Date.now();
          crossTab?.publish({ type: 'tokens', tokens, at });
          crossTab?.markRefreshed(at);
        },
      },
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
    setTokens(tokens) {
      mayRefresh = true;
      changeTokens(validateTokens(tokens, 'setTokens()'));
      flight?.end();
    },
    getAccessToken: () => store.tokens?.accessToken ?? null,
    getStatus: () => status,
    refresh() {
      mayRefresh = true;
      return fly('manual', !!expiredBy && !!options.reauthenticate).promise;
    },
    clear: () => signOut(true),
    dispose() {
      for (const cleanup of cleanups.splice(0)) cleanup();
    },
  };
}
