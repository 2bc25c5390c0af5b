import type { ExpiryReason } from '../errors.js';
import { RefreshTimeoutError, type SessionExpiredError } from '../errors.js';
import { classifyFailure } from './classify.js';
import type { Emitter } from './emitter.js';
import { validateTokens } from './token-store.js';
import type { RefreshReason, SessionOptions, Tokens } from './types.js';
import { sleep, waitFor } from './wait.js';

/** What a flight needs from its session. */
export interface FlightDeps {
  readonly options: SessionOptions;
  readonly refreshTimeout: number;
  readonly reauthTimeout: number;
  readonly refreshToken: () => string | undefined;
  readonly transport: typeof fetch;
  readonly emit: Emitter['emit'];
  /** Puts new tokens in place. */
  readonly accept: (tokens: Tokens) => void;
  /** Ends the session; returns the error parked requests reject with. */
  readonly expire: (reason: ExpiryReason, cause?: unknown) => SessionExpiredError;
  /** The flight's phase changed or it ended: the session re-derives its status. */
  readonly changed: () => void;
  /**
   * Runs one refresh attempt; with several tabs open, inside the cross-tab lock, and not at all (undefined)
   * when a sibling's fresh tokens arrive first.
   */
  readonly guard: <T>(attempt: () => Promise<T>, signal: AbortSignal) => Promise<T | undefined>;
  /** Tells sibling tabs about tokens this tab obtained (before the cross-tab lock is released). */
  readonly announce: (tokens: Tokens) => void;
}

/** One refresh (with its retries and any re-authentication) that every waiting request shares. */
export interface Flight {
  readonly promise: Promise<void>;
  readonly reason: RefreshReason;
  phase: 'refreshing' | 'reauth-required';
  /** Ends the flight from outside: no error = new tokens arrived (setTokens), an error = cleared. */
  end(error?: unknown): void;
}

function backoff(attempt: number, { base = 250, max = 4000 } = {}): number {
  // Jitter spreads the retries of many clients that lost the refresh endpoint at the same moment.
  return Math.min(max, base * 2 ** (attempt - 1)) * (0.5 + Math.random() * 0.5);
}

/**
 * Starts a flight: refresh attempts with backoff until `refreshTimeout`, then, if the refresh token
 * was rejected, one call to `reauthenticate` bounded by `reauthTimeout`. The promise always settles.
 * `onEnd` runs synchronously as it settles, so no request can join a finished flight.
 */
export function startFlight(
  deps: FlightDeps,
  reason: RefreshReason,
  onEnd: () => void,
  skipRefresh: boolean,
): Flight {
  const { options } = deps;
  const controller = new AbortController();
  const { signal } = controller;
  let done = false;
  let lastError: unknown;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let settle!: (error?: unknown) => void;

  const flight: Flight = {
    promise: new Promise<void>((resolve, reject) => {
      settle = (error) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        onEnd();
        // Stops what user code still runs (a hung refresh call, an open dialog): its result is no longer wanted.
        controller.abort();
        deps.changed();
        error === undefined ? resolve() : reject(error);
      };
    }),
    reason,
    phase: 'refreshing',
    end: (error) => settle(error),
  };
  // Waiters attach their own handlers; a flight nobody waits for must not be an unhandled rejection.
  flight.promise.catch(() => {});

  const deadline = (ms: number, fail: () => unknown) => {
    clearTimeout(timer);
    timer = setTimeout(() => settle(fail()), ms);
  };

  const accept = (tokens: Tokens, via: 'refresh' | 'reauthenticate', attempts: number) => {
    deps.accept(tokens);
    deps.emit('refresh', { reason, via, attempts });
    settle();
  };

  /** Resolves with the rejection when the refresh token was refused; settles the flight otherwise. */
  async function refreshPhase(): Promise<unknown> {
    deadline(deps.refreshTimeout, () => new RefreshTimeoutError(deps.refreshTimeout, { cause: lastError }));
    for (let attempt = 1; ; attempt++) {
      try {
        const value = await waitFor(
          deps.guard(async () => {
            const context = {
              refreshToken: deps.refreshToken(),
              signal,
              fetch: deps.transport,
              reason,
              attempt,
            };
            const tokens = validateTokens(await options.refresh(context), 'refresh()');
            deps.announce(tokens);
            return tokens;
          }, signal),
          signal,
        );
        if (!done && value) accept(value, 'refresh', attempt);
        return;
      } catch (error) {
        if (done) return;
        lastError = error;
        const kind = classifyFailure(error);
        deps.emit('refresh-error', { error, attempt, kind, willRetry: kind === 'transient' });
        if (kind === 'rejected') return error;
        if (kind === 'invalid') return settle(error);
        await sleep(backoff(attempt, options.retryDelay), signal);
        if (done) return;
      }
    }
  }

  async function reauthPhase(error: unknown) {
    const { reauthenticate } = options;
    if (!reauthenticate) return settle(deps.expire('refresh-rejected', error));
    deadline(deps.reauthTimeout, () =>
      deps.expire('reauth-failed', new RefreshTimeoutError(deps.reauthTimeout)),
    );
    flight.phase = 'reauth-required';
    deps.changed();
    deps.emit('reauth-required', { error });
    try {
      const value = await waitFor(reauthenticate({ error, signal }), signal);
      if (done) return;
      if (value === null) return settle(deps.expire('reauth-declined'));
      const tokens = validateTokens(value, 'reauthenticate()');
      // A sign-in in one tab revives its siblings too.
      deps.announce(tokens);
      accept(tokens, 'reauthenticate', 1);
    } catch (cause) {
      if (!done) settle(deps.expire('reauth-failed', cause));
    }
  }

  (async () => {
    const rejected = skipRefresh ? undefined : await refreshPhase();
    if (!done) await reauthPhase(rejected);
  })().catch((error: unknown) => settle(error));

  return flight;
}
