import type { JWTPayload } from 'jose';

/** The server's clock: milliseconds since the epoch. Tokens are issued and judged by it. */
export type Clock = () => number;

/**
 * What a login or a refresh answers: the JSON body of `POST /auth/login` and `POST /auth/refresh`, and what
 * `@expiryproof/core`'s `refresh` callback returns (`expiresAt` is in milliseconds, as it expects).
 */
export interface IssuedTokens {
  /** A JWT (`typ: at+jwt`) carrying `sub`, `sid` (the family id), `jti`, `iat`, `exp`. */
  accessToken: string;
  /** 256 random bits, base64url (43 characters). The server keeps only its SHA-256 hash. */
  refreshToken: string;
  tokenType: 'Bearer';
  /** Seconds the access token lives, as issued (OAuth's `expires_in`). */
  expiresIn: number;
  /** When the access token expires, in milliseconds since the epoch. */
  expiresAt: number;
}

/**
 * Why a refresh was refused (the `reason` of a 400 `invalid_grant`):
 * - `expired`: the refresh token outlived `refreshTtl`;
 * - `revoked`: its family was logged out or revoked earlier;
 * - `reused`: a spent token was presented outside every grace rule — the family is revoked now;
 * - `unknown`: not a token this server issued (or one already pruned).
 */
export type RefreshFailureReason = 'expired' | 'revoked' | 'reused' | 'unknown';

/**
 * How a successful refresh was answered:
 * - `rotation`: the presented token was spent and a new pair issued;
 * - `reuse-interval`: grace rule (a), the token had been rotated less than `reuseInterval` ago, and the
 *   family's current pair was returned;
 * - `idempotency-key`: grace rule (b), the token had been rotated under the same `Idempotency-Key`, and that
 *   rotation's answer was returned again.
 */
export type RefreshVia = 'rotation' | 'reuse-interval' | 'idempotency-key';

/**
 * The result of {@link TokenService.refresh}. Never throws for a bad token; only for a failing store.
 * `rate-limited` only comes with a {@link RotationGate}: the gate refused a rotation (nothing was spent, the
 * token is still good after `retryAfter` milliseconds).
 */
export type RefreshOutcome =
  | { ok: true; tokens: IssuedTokens; subject: string; familyId: string; via: RefreshVia }
  | { ok: false; reason: RefreshFailureReason }
  | { ok: false; reason: 'rate-limited'; retryAfter: number };

/**
 * Consulted by {@link TokenService.refresh} just before it rotates an unspent token, never before a grace-rule
 * answer (a replay spends nothing, so it neither counts nor is refused). Rotations of one family are
 * sequential (a family has one unspent token), so checking then counting is exact per family.
 */
export interface RotationGate {
  /** Milliseconds until the family may rotate again; 0 (or less) lets it rotate now. */
  wait(familyId: string): Promise<number> | number;
  /** The family has just rotated. What this throws or rejects with is the caller's failure. */
  rotated(familyId: string): Promise<void> | void;
}

/**
 * Why an access token was refused (always a 401 `invalid_token`, never a 403):
 * `expired`, `invalid` (malformed, bad signature, unknown `kid`, wrong `iss`/`aud`/`typ`) or `revoked`
 * (its family was logged out or revoked while the token was still within its lifetime).
 */
export type AccessFailureReason = 'expired' | 'invalid' | 'revoked';

/** The result of {@link TokenService.verify}. */
export type VerifyOutcome =
  | { ok: true; subject: string; familyId: string; claims: JWTPayload }
  | { ok: false; reason: AccessFailureReason };

/** Why a family was revoked. */
export type RevocationReason = 'logout' | 'reuse' | 'manual';

interface EventBase {
  /** When it happened, by the service's clock. */
  at: number;
  familyId: string;
  subject: string;
}

/**
 * What the token service reports through `onEvent`. Events never carry a token or a token hash.
 * - `login`: a family was started by {@link TokenService.issue};
 * - `rotated`: a refresh token was spent and its successor issued (exactly one per rotation);
 * - `replayed`: a spent token was answered by a grace rule (no rotation, no revocation);
 * - `reuse-detected`: a spent token was presented outside the grace rules (followed by `revoked`);
 * - `revoked`: a family was revoked (by logout, reuse or {@link TokenService.revokeFamily});
 * - `logout`: a family was logged out (followed by `revoked`).
 */
export type TokenEvent =
  | (EventBase & { type: 'login' })
  | (EventBase & { type: 'rotated' })
  | (EventBase & { type: 'replayed'; rule: 'reuse-interval' | 'idempotency-key' })
  | (EventBase & { type: 'reuse-detected'; spentAt: number })
  | (EventBase & { type: 'revoked'; reason: RevocationReason })
  | (EventBase & { type: 'logout' });
