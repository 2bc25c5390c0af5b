/**
 * Typed errors. Every error carries a brand under a registry symbol so the guards work
 * across realms (iframes, duplicated bundles) where `instanceof` does not.
 * Messages never contain token values.
 */

const BRAND = Symbol.for('expiryproof.error');
const BASE = 'ExpiryproofError';

/** Why a session ended. */
export type ExpiryReason =
  | 'refresh-rejected'
  /** A refresh answer was lost in transit (network error, timeout) and the retry was rejected: maybe not revoked. */
  | 'refresh-outcome-lost'
  | 'reauth-declined'
  | 'reauth-failed'
  | 'replay-rejected'
  | 'cleared';

/** Base class of every error this library throws. */
export class ExpiryproofError extends Error {
  /**
   * True when `value` is an expiryproof error of this class, from any realm or copy of the library.
   * Safe to pass unbound, e.g. `errors.filter(SessionExpiredError.is)`.
   */
  declare static is: <T extends ExpiryproofError>(
    this: abstract new (
      ...args: never[]
    ) => T,
    value: unknown,
  ) => value is T;
}

/** The refresh token was rejected and re-authentication was declined, failed or is not configured. */
export class SessionExpiredError extends ExpiryproofError {
  declare readonly reason: ExpiryReason;
  constructor(reason: ExpiryReason, options?: { cause?: unknown }) {
    super(`Session expired (${reason})`, options);
    this.reason = reason;
  }
}

/** The refresh kept failing transiently (network, 5xx) until `refreshTimeout` ran out. */
export class RefreshTimeoutError extends ExpiryproofError {
  declare readonly timeout: number;
  constructor(timeout: number, options?: { cause?: unknown }) {
    super(`Refresh did not succeed within ${timeout} ms`, options);
    this.timeout = timeout;
  }
}

/** `refresh` or `reauthenticate` resolved with something that is not a token set. */
export class InvalidTokensError extends ExpiryproofError {}

/** A request body cannot be sent twice, so the request could not be replayed after a refresh. */
export class UnreplayableBodyError extends ExpiryproofError {}

/** The options given to a factory are not usable. */
export class ConfigurationError extends ExpiryproofError {}

/** Reported through the `warning` event: something was off but the session carried on. */
export class SessionWarning extends ExpiryproofError {
  /**
   * - `clock-skew`: a token's times cannot be true on this clock (issued in its future, or expired on
   *   arrival); the token's own lifetime (or 401s) decide. The message says which.
   * - `storage-failed`: the storage threw; tokens stay in memory.
   * - `stored-tokens-invalid`: what the storage held is not a token set; the session starts without.
   * - `foreign-authorization`: a request to an allowed origin already carried `Authorization`, so the
   *   session left it alone (no token attached, no refresh). Reported once per session.
   */
  declare readonly code: 'clock-skew' | 'storage-failed' | 'stored-tokens-invalid' | 'foreign-authorization';
  constructor(code: SessionWarning['code'], detail?: string, options?: { cause?: unknown }) {
    super(`expiryproof warning: ${code}${detail ? ` (${detail})` : ''}`, options);
    this.code = code;
  }
}

/** Throw this (or any error with a `status`) from `refresh` so the session can classify the failure. */
export class HttpStatusError extends ExpiryproofError {
  declare readonly status: number;
  constructor(status: number, message = `HTTP ${status}`) {
    super(message);
    this.status = status;
  }
}

// Names and brands live on the prototypes, not in class fields, so they survive minifiers that rename classes.
for (const [cls, name] of [
  [ExpiryproofError, BASE],
  [SessionExpiredError, 'SessionExpiredError'],
  [RefreshTimeoutError, 'RefreshTimeoutError'],
  [InvalidTokensError, 'InvalidTokensError'],
  [UnreplayableBodyError, 'UnreplayableBodyError'],
  [ConfigurationError, 'ConfigurationError'],
  [SessionWarning, 'SessionWarning'],
  [HttpStatusError, 'HttpStatusError'],
] as const) {
  const proto = cls.prototype as ExpiryproofError & { [BRAND]: string };
  proto.name = proto[BRAND] = name;
  // An own guard on every class, so `is` works when passed around as a plain function.
  cls.is = ((value: unknown) => {
    const brand = (value as { [BRAND]?: unknown } | null)?.[BRAND];
    return typeof brand === 'string' && (name === BASE || brand === name);
  }) as typeof ExpiryproofError.is;
}
