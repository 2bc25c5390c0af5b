import type { RevocationReason } from './types.js';

/**
 * A refresh token as a store keeps it. Tokens themselves are never stored: `hash` is the SHA-256 of the
 * token (base64url), and `successor` is sealed with a key derived from the token, so a copy of the store
 * gives an attacker no usable token.
 */
export interface StoredRefreshToken {
  hash: string;
  familyId: string;
  subject: string;
  issuedAt: number;
  expiresAt: number;
  /** When it was rotated; `null` while it is the family's current token. */
  spentAt: number | null;
  /** The answer its rotation gave (opaque to the store), or `null` while unspent. */
  successor: string | null;
  /** SHA-256 of the `Idempotency-Key` it was rotated under, or `null`. */
  idempotencyKey: string | null;
  /** When its family was revoked, or `null`. */
  familyRevokedAt: number | null;
}

/** A token to insert: unspent, in a family. */
export interface NewRefreshToken {
  hash: string;
  familyId: string;
  subject: string;
  issuedAt: number;
  expiresAt: number;
}

/** The one atomic step of rotation. */
export interface RotationStep {
  /** The token being spent. */
  parentHash: string;
  now: number;
  /** Its successor, in the same family. */
  child: NewRefreshToken;
  /** Stored on the parent with `spentAt`: the answer given to the caller, for the grace rules. */
  successor: string;
  /** Stored on the parent: SHA-256 of the request's `Idempotency-Key`, or `null`. */
  idempotencyKey: string | null;
}

/**
 * `rotated: true` when this call spent the parent and inserted the child; otherwise the parent as it is
 * after the attempt (spent by someone else, expired, revoked), or `undefined` when it does not exist.
 */
export type RotationResult = { rotated: true } | { rotated: false; parent: StoredRefreshToken | undefined };

/** What {@link RefreshTokenStore.revokeFamily} records. */
export interface Revocation {
  at: number;
  reason: RevocationReason;
  /** Until when the family's access tokens are refused (the deny-list entry may be dropped after). */
  denyAccessUntil: number;
}

/**
 * Where refresh-token families live. Five operations, each one round trip (a PostgreSQL `rotate` that lost
 * reads the parent back in a second); only `rotate` and
 * `revokeFamily` write conditionally, and each is a single atomic step, so any number of processes
 * sharing one store agree on who rotated:
 *
 * | operation | SQLite (`/sqlite`) | PostgreSQL (`/postgres`) | Redis (`/redis`) |
 * | --- | --- | --- | --- |
 * | `createFamily` | 2 INSERTs in a transaction | one statement: `WITH family AS (INSERT …) INSERT …` | Lua: `HSET` ×2, `PEXPIREAT` |
 * | `findToken` | SELECT … JOIN families | same | Lua: `HMGET` token, then its family |
 * | `rotate` | `UPDATE tokens SET spent_at … WHERE hash = ? AND spent_at IS NULL AND expires_at > now AND family not revoked RETURNING`, then INSERT the child, in one `BEGIN IMMEDIATE` | one statement: `WITH spent AS (UPDATE … RETURNING) INSERT … SELECT FROM spent`, else SELECT the parent | one Lua script: check `spent_at`/revoked/expiry, `HSET` parent and child (else answer the parent) |
 * | `revokeFamily` | `UPDATE families SET revoked_at … WHERE revoked_at IS NULL RETURNING subject` | same | Lua; the deny-list entry as a key with `PEXPIREAT denyAccessUntil` |
 * | `isAccessDenied` | SELECT | SELECT | `GET` the deny-list entry, compared with `now` |
 *
 * Implementations must: never return a token's state from before a committed `rotate` once that `rotate`
 * has returned (read-your-writes across processes); make `rotate` succeed for at most one caller per
 * parent; refuse to rotate a token whose family is revoked in the same atomic step; keep a spent token and
 * its `successor` at least until `max(reuseInterval, idempotencyInterval)` after `spentAt` (longer is what
 * makes reuse *detectable*: keep them until they expire). Times are milliseconds since the epoch.
 */
export interface RefreshTokenStore {
  /** Starts a family with its first token. */
  createFamily(first: NewRefreshToken): Promise<void>;
  /** The token with this hash, with its family's revocation, or `undefined`. */
  findToken(hash: string): Promise<StoredRefreshToken | undefined>;
  /** Spends `step.parentHash` and inserts `step.child` if, atomically, the parent is unspent, unexpired at
   * `step.now` and its family unrevoked. See {@link RotationResult}. */
  rotate(step: RotationStep): Promise<RotationResult>;
  /** Revokes a family (no token of it rotates again) and deny-lists its access tokens. Returns the
   * family's subject when this call revoked it, `undefined` when it was already revoked or is unknown. */
  revokeFamily(familyId: string, revocation: Revocation): Promise<{ subject: string } | undefined>;
  /** Whether the family's access tokens are deny-listed at `now`. Called on every access-token check. */
  isAccessDenied(familyId: string, now: number): Promise<boolean>;
}
