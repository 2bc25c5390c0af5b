/**
 * The audit could not run a step because of the setup, not the app's behaviour under expiry: a selector
 * that matches nothing, a sign-in the server refuses, an unreachable URL. The scenario ends as `error`,
 * and the message names the config field, the selector or URL, and what was seen.
 */
export class SetupError extends Error {
  override name = 'SetupError';
}

/** The scenario cannot back a verdict with evidence (the fault never bit): it ends as `inconclusive`. */
export class InconclusiveError extends Error {
  override name = 'InconclusiveError';
}

/** The server answered a sign-in with 429: the sign-in gate backs off and tries again. */
export class RateLimitedError extends SetupError {
  override name = 'RateLimitedError';
  constructor(
    message: string,
    /** Milliseconds the server asked to wait (Retry-After), when it said. */
    readonly retryAfterMs: number | undefined,
  ) {
    super(message);
  }
}
