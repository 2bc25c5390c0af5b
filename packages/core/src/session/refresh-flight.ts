import type { ExpiryReason } from '../errors.js';
import { RefreshTimeoutError, type SessionExpiredError } from '../errors.js';
import { classifyFailure } from './classify.js';
import type { Emitter } from './emitter.js';
import { validateTokens } from './token-store.js';
import type { RefreshReason, SessionOptions, SessionStatus, Tokens } from './types.js';
import { sleep, waitFor } from './wait.js';

/** What a flight needs from its session. */
export interface FlightDeps {
  readonly options: SessionOptions;
  readonly refreshTimeout: number;
  readonly reauthTimeout: number;
  readonly refreshToken: () => string | undefined;
  readonly transport: typeof fetch;
  readonly emit: Emitter['emit'];
  readonly setStatus: (status: SessionStatus) => void;
  /** Puts tokens in place and marks the session active. */
  readonly accept: (tokens: Tokens) => void;
  /** Ends the session; returns the error parked requests reject with. */
  readonly expire: (reason: ExpiryReason, cause?: unknown) => SessionExpiredError;
  /** A flight that failed without ending the session hands the status back. */
  readonly restoreStatus: () => void;
}

/** One refresh (with its retries and any re-authentication) that every waiting request shares. */
export interface Flight {
  readonly promise: Promise<void>;
  readonly reason: RefreshReason;
  /** Ends the flight from outside: no error = new tokens arrived (setTokens), an error = cleared. */
  end(error?: unknown): void;
}

function backoff(attempt: number, options: SessionOptions): number {
  const base = options.retryDelay?.base ?? 250;
  const max = options.retryDelay?.max ?? 4000;
  // Jitter spreads the retries of many clients that lost the refresh endpoint at the same moment.
  return Math.min(max, base * 2 ** (attempt - 1)) * (0.5 + Math.random() * 0.5);
}

/**
 * Starts a flight: refresh attempts with backoff until `refreshTimeout`, then, if the refresh token
 * was rejected, one call to `reauthenticate` bounded by `reauthTimeout`. The promise always settles.
 */
export function startFlight(
  deps: FlightDeps,
  reason: RefreshReason,
  onEnd: () => void,
  skipRefresh = false,
): Flight {
  const { options } = deps;
  const controller = new AbortController();
  const { signal } = controller;
  let done = false;
  let lastError: unknown;
  let settle!: (error?: unknown) => void;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const promise = new Promise<void>((resolve, reject) => {
    settle = (error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      onEnd();
      // Stops what user code still runs (a hung refresh call, an open dialog): its result is no longer wanted.
      controller.abort();
      if (error === undefined) return resolve();
      deps.restoreStatus();
      reject(error);
    };
  });
  // Waiters attach their own handlers; a flight nobody waits for must not be an unhandled rejection.
  promise.catch(() => {});

  const accept = (value: unknown, from: string) => {
    deps.accept(validateTokens(value, from));
    settle();
  };

  async function refreshPhase(): Promise<unknown> {
    deps.setStatus('refreshing');
    timer = setTimeout(
      () => settle(new RefreshTimeoutError(deps.refreshTimeout, { cause: lastError })),
      deps.refreshTimeout,
    );
    for (let attempt = 1; ; attempt++) {
      try {
        const value = await waitFor(
          options.refresh({
            refreshToken: deps.refreshToken(),
            signal,
            fetch: deps.transport,
            reason,
            attempt,
          }),
          signal,
        );
        if (done) return;
        accept(value, 'refresh()');
        deps.emit('refresh', { reason, via: 'refresh', attempts: attempt });
        return;
      } catch (error) {
        if (done) return;
        lastError = error;
        const kind = classifyFailure(error);
        deps.emit('refresh-error', { error, attempt, kind, willRetry: kind === 'transient' });
        if (kind === 'rejected') return error;
        if (kind === 'invalid') return settle(error);
        await sleep(backoff(attempt, options), signal).catch(() => {});
        if (done) return;
      }
    }
  }

  async function reauthPhase(error: unknown) {
    clearTimeout(timer);
    const { reauthenticate } = options;
    if (!reauthenticate) return settle(deps.expire('refresh-rejected', error));
    timer = setTimeout(
      () => settle(deps.expire('reauth-failed', new RefreshTimeoutError(deps.reauthTimeout))),
      deps.reauthTimeout,
    );
    deps.setStatus('reauth-required');
    deps.emit('reauth-required', { error });
    try {
      const value = await waitFor(reauthenticate({ error, signal }), signal);
      if (done) return;
      if (value === null) return settle(deps.expire('reauth-declined'));
      accept(value, 'reauthenticate()');
      deps.emit('refresh', { reason, via: 'reauthenticate', attempts: 1 });
    } catch (cause) {
      if (!done) settle(deps.expire('reauth-failed', cause));
    }
  }

  (async () => {
    const rejected = skipRefresh ? undefined : await refreshPhase();
    if (!done) await reauthPhase(rejected);
  })().catch((error: unknown) => settle(error));

  return { promise, reason, end: settle };
}
