import type { ExpiryReason } from '../errors.js';
import { RefreshTimeoutError, type SessionExpiredError } from '../errors.js';
import { classifyFailure, outcomeUnknown } from './classify.js';
import type { Emitter } from './emitter.js';
import { randomId } from './random-id.js';
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
  /** Looks for tokens newer than ours (storage, sibling tabs) and adopts them, which ends the flight. */
  readonly lookAround: (signal: AbortSignal) => Promise<void>;
  /** The rotation asked for with the refresh token held now; a new one once the tokens change. */
  readonly rotation: () => Rotation;
}

/**
 * Asking the server to rotate one refresh token, over as many attempts and flights as it takes. Presenting
 * the same token again is a retry of the same request, whichever flight sends it, so it keeps its key.
 */
export interface Rotation {
  idempotencyKey: string;
  /** An attempt got no usable answer: the server may have rotated the token all the same. */
  lost: boolean;
}

/**
 * How a flight starts: `refresh`; `silent` (the session holds no tokens: try the refresh, and if it is
 * refused end quietly, without asking anyone to sign in or expiring anything); or the reason the session
 * already expired (no refresh token left to try: straight to `reauthenticate`).
 */
export type FlightMode = 'refresh' | 'silent' | ExpiryReason;

/** One refresh (with its retries and any re-authentication) that every waiting request shares. */
export interface Flight {
  readonly promise: Promise<void>;
  readonly reason: RefreshReason;
  phase: 'refreshing' | 'reauth-required';
  /**
   * A silent refresh that ended without an answer either way (a network error, a 5xx, a refresh function
   * that threw): a later 401 may try again, unlike after a refusal.
   */
  inconclusive?: boolean;
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
  mode: FlightMode,
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

  /**
   * Settles the flight, or resolves with why the refresh token was refused and the error that said so:
   * the caller decides whether anyone is asked to sign in.
   */
  async function refreshPhase(): Promise<[ExpiryReason, unknown] | undefined> {
    deadline(deps.refreshTimeout, () => new RefreshTimeoutError(deps.refreshTimeout, { cause: lastError }));
    const rotation = deps.rotation();
    let invalid = 0;
    for (let attempt = 1; ; attempt++) {
      const lostBefore = rotation.lost;
      try {
        const value = await waitFor(
          deps.guard(async () => {
            // Until its answer says otherwise, a sent attempt may have rotated the token: one still out
            // when the flight is cut off (a timeout after sending) leaves the rotation marked lost.
            rotation.lost = true;
            const context = {
              refreshToken: deps.refreshToken(),
              signal,
              fetch: deps.transport,
              reason,
              attempt,
              idempotencyKey: rotation.idempotencyKey,
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
        // No answer, or none we could use (e.g. an unsafe token): the server may have rotated all the same.
        rotation.lost = lostBefore || outcomeUnknown(error);
        const kind = classifyFailure(error);
        const silent = mode === 'silent';
        // One unusable answer (an unsafe token) may be a blip: it is retried once. A second is a refusal:
        // going on would leave the session wedged on a refresh that never yields usable tokens.
        const refusal = kind === 'rejected' || (kind === 'invalid' && invalid++ > 0);
        deps.emit('refresh-error', { error, attempt, kind, willRetry: !refusal && !silent });
        // A visitor's silent try ends at its first failure of any kind: the 401 goes back to its callers at
        // once (no retries against a refresh that may not exist), and only a refusal stops later tries.
        if (silent && kind !== 'rejected') {
          flight.inconclusive = true;
          return void settle();
        }
        if (refusal) {
          if (!rotation.lost) return ['refresh-rejected', error];
          // An earlier attempt may have rotated the refresh token and its answer was lost, so this refusal
          // may only mean "spent". Tokens saved by another tab or held by a sibling may still be good.
          await deps.lookAround(signal);
          return done ? undefined : ['refresh-outcome-lost', error];
        }
        // The retry after an unusable answer asks under a new idempotency key (a server honouring the old one
        // would replay that answer) — unless an earlier answer was lost: under its key the server replays the
        // one rotation that happened, and a new key would present a spent token and look like reuse.
        if (kind === 'invalid' && !lostBefore) rotation.idempotencyKey = randomId();
        await sleep(backoff(attempt, options.retryDelay), signal);
        if (done) return;
      }
    }
  }

  async function reauthPhase(why: ExpiryReason, error: unknown) {
    const { reauthenticate } = options;
    if (!reauthenticate) return settle(deps.expire(why, error));
    deadline(deps.reauthTimeout, () =>
      deps.expire('reauth-failed', new RefreshTimeoutError(deps.reauthTimeout)),
    );
    flight.phase = 'reauth-required';
    deps.changed();
    deps.emit('reauth-required', { error, reason: why });
    try {
      const value = await waitFor(reauthenticate({ error, reason: why, signal }), signal);
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
    const refused: [ExpiryReason, unknown] | undefined =
      mode === 'refresh' || mode === 'silent' ? await refreshPhase() : [mode, undefined];
    // A silent refresh that was refused ends without tokens: its callers get their own 401 back.
    if (refused && !done) await (mode === 'silent' ? settle() : reauthPhase(...refused));
  })().catch((error: unknown) => settle(error));

  return flight;
}
