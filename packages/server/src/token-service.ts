import { createAccessTokens } from './access-tokens.js';
import { createEmitter } from './events.js';
import { createKeyRing, type JsonWebKeySet, type SigningKey } from './keys.js';
import { createMinter } from './mint.js';
import { createRotation } from './rotation.js';
import { isRefreshTokenShaped, newId, sha256 } from './secrets.js';
import type { RefreshTokenStore } from './store.js';
import type {
  Clock,
  IssuedTokens,
  RefreshOutcome,
  RevocationReason,
  RotationGate,
  TokenEvent,
  VerifyOutcome,
} from './types.js';

/** Options of {@link createTokenService}. Durations are in milliseconds. */
export interface TokenServiceOptions {
  /** Where refresh-token families live; share one store between processes that serve one app. */
  store: RefreshTokenStore;
  /** The key ring: the first key signs access tokens, every key verifies (by `kid`). See {@link SigningKey}. */
  keys: readonly SigningKey[];
  /** Access-token lifetime, e.g. `15 * 60_000`. */
  accessTtl: number;
  /** Refresh-token lifetime, counted from each rotation (sliding), e.g. `14 * 86_400_000`. */
  refreshTtl: number;
  /**
   * Grace rule (a): a refresh token presented again less than this long after its rotation gets the
   * family's current pair instead of revoking the family. Default 10 000; 0 turns the rule off.
   */
  reuseInterval?: number;
  /**
   * Grace rule (b): a refresh request whose `idempotencyKey` is the one the token was rotated under gets
   * that rotation's answer again if it comes less than this long after it. Default: `reuseInterval`.
   */
  idempotencyInterval?: number;
  /** `iss` to set and require. */
  issuer?: string;
  /** `aud` to set and require. */
  audience?: string;
  /** Default `Date.now`. */
  clock?: Clock;
  /** Audit hook, called synchronously; what it throws is ignored. Events carry no tokens. */
  onEvent?: (event: TokenEvent) => void;
}

/** Issues, rotates, verifies and revokes tokens. Holds no state of its own beyond its options. */
export interface TokenService {
  /** Starts a family for an authenticated `subject` (after a login) and returns its first pair. */
  issue(subject: string): Promise<IssuedTokens>;
  /**
   * Rotates a refresh token (see {@link RefreshOutcome}). `idempotencyKey`: the request's
   * `Idempotency-Key`; a retry with the same key gets the same answer (grace rule (b)). `gate`: asked before
   * a rotation (not before a grace-rule answer), e.g. a per-family rate limit; see {@link RotationGate}.
   */
  refresh(
    refreshToken: string,
    options?: { idempotencyKey?: string | undefined; gate?: RotationGate | undefined },
  ): Promise<RefreshOutcome>;
  /** Checks an access token: signature, `kid`, `typ`, expiry, `iss`/`aud`, and the family deny-list. */
  verify(accessToken: string): Promise<VerifyOutcome>;
  /** Logs out the family of a refresh token (spent or not). False when the token is unknown or the family
   * was already revoked. */
  logout(refreshToken: string): Promise<boolean>;
  /** Revokes a family by id (e.g. the `familyId` of a verified access token). False when already revoked. */
  revokeFamily(familyId: string, reason?: Exclude<RevocationReason, 'reuse'>): Promise<boolean>;
  /** The public keys (ES256 only; HS256 secrets are never published), for `/.well-known/jwks.json`. */
  jwks(): JsonWebKeySet;
  /** The refresh-token lifetime it was made with, ms (e.g. a refresh cookie's `Max-Age`). */
  readonly refreshTtl: number;
}

const DEFAULT_REUSE_INTERVAL = 10_000;

/**
 * The token service: JWT access tokens (jose, HS256 or ES256 with `kid`), opaque rotating refresh tokens
 * stored as SHA-256 hashes in families, reuse detection with two grace rules, logout that also refuses the
 * family's outstanding access tokens.
 *
 * @example
 * const tokens = createTokenService({
 *   store: createSqliteStore({ filename: 'auth.db' }),
 *   keys: [generateSigningKey('ES256')],
 *   accessTtl: 15 * 60_000,
 *   refreshTtl: 14 * 86_400_000,
 * });
 */
export function createTokenService(options: TokenServiceOptions): TokenService {
  const { store, accessTtl, refreshTtl } = options;
  const reuseInterval = options.reuseInterval ?? DEFAULT_REUSE_INTERVAL;
  const idempotencyInterval = options.idempotencyInterval ?? reuseInterval;
  duration('accessTtl', accessTtl, 1);
  duration('refreshTtl', refreshTtl, 1);
  duration('reuseInterval', reuseInterval, 0);
  duration('idempotencyInterval', idempotencyInterval, 0);
  const clock = options.clock ?? Date.now;
  const ring = createKeyRing(options.keys);
  const access = createAccessTokens({
    ring,
    ttl: accessTtl,
    clock,
    issuer: options.issuer,
    audience: options.audience,
  });
  const mint = createMinter(access, accessTtl, refreshTtl);
  const emit = createEmitter(options.onEvent);

  /** Revokes a family; when this call did it, reports `first` (logout, reuse-detected), then `revoked`. */
  async function revoke(
    familyId: string,
    reason: RevocationReason,
    at: number,
    first?: (subject: string) => void,
  ) {
    // Every access token of the family was issued before now, so it expires before now + accessTtl.
    const revoked = await store.revokeFamily(familyId, { at, reason, denyAccessUntil: at + accessTtl });
    if (!revoked) return false;
    first?.(revoked.subject);
    emit({ type: 'revoked', reason, at, familyId, subject: revoked.subject });
    return true;
  }

  const logout = (familyId: string) => {
    const at = clock();
    return revoke(familyId, 'logout', at, (subject) => emit({ type: 'logout', at, familyId, subject }));
  };

  const refresh = createRotation({ store, mint, clock, reuseInterval, idempotencyInterval, emit, revoke });

  return {
    async issue(subject) {
      if (typeof subject !== 'string' || subject === '')
        throw new TypeError('issue: subject must be a non-empty string');
      const now = clock();
      const familyId = newId();
      const first = await mint(subject, familyId, now);
      await store.createFamily(first.record);
      emit({ type: 'login', at: now, familyId, subject });
      return first.tokens;
    },

    refresh: (refreshToken, { idempotencyKey, gate } = {}) =>
      typeof refreshToken === 'string'
        ? refresh(refreshToken, idempotencyKey, gate)
        : Promise.resolve({ ok: false, reason: 'unknown' }),

    async verify(accessToken) {
      if (typeof accessToken !== 'string') return { ok: false, reason: 'invalid' };
      const check = await access.verify(accessToken);
      if (!check.ok) return check;
      if (await store.isAccessDenied(check.familyId, clock())) return { ok: false, reason: 'revoked' };
      return check;
    },

    async logout(refreshToken) {
      if (typeof refreshToken !== 'string' || !isRefreshTokenShaped(refreshToken)) return false;
      const record = await store.findToken(sha256(refreshToken));
      return record ? logout(record.familyId) : false;
    },

    async revokeFamily(familyId, reason = 'manual') {
      if (typeof familyId !== 'string') return false;
      return reason === 'logout' ? logout(familyId) : revoke(familyId, reason, clock());
    },

    jwks: () => ring.jwks(),
    refreshTtl,
  };
}

function duration(name: string, value: number, min: number) {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw new RangeError(`${name} must be a finite number of milliseconds ≥ ${min}`);
  }
}
