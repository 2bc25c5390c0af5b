import {
  createTokenService as createService,
  generateSigningKey,
  type TokenService as Service,
} from '@expiryproof/server';
import { createSqliteStore } from '@expiryproof/server/sqlite';

/** The test server's wire shape: what the client tests were written against (no `tokenType`/`expiresAt`). */
export interface IssuedTokens {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

export type RefreshOutcome =
  | { ok: true; tokens: IssuedTokens }
  | { ok: false; error: 'invalid_grant' | 'reuse_detected' | 'revoked' };

export interface TokenServiceOptions {
  accessTtlMs: number;
  /** The server's clock (epoch ms): tokens are issued and judged by it. Default `Date.now`; tests skew it. */
  now?: () => number;
}

/** Long enough for any retry a test makes; the server answers a retried key only when `idempotency` is on. */
const IDEMPOTENCY_INTERVAL = 10 * 60_000;

/**
 * `@expiryproof/server`'s token service (JWT access tokens, rotating refresh tokens in an in-memory SQLite
 * store) with the levers and counters the client tests use. Strict: no reuse interval, so a spent refresh
 * token presented again revokes its family (RFC 9700), which is what the client must never provoke; the
 * idempotency grace applies only to requests the endpoint passes a key for.
 */
export function createTokenService(options: TokenServiceOptions) {
  const store = createSqliteStore();
  const families = new Set<string>();
  let reuseDetected = 0;
  const make = (): Service =>
    createService({
      store,
      // A fresh key per service: replacing the service (expireAccessTokens) invalidates every access token
      // signed before, at once, while refresh tokens (in the store) stay good.
      keys: [generateSigningKey('HS256')],
      accessTtl: options.accessTtlMs,
      refreshTtl: 86_400_000,
      reuseInterval: 0,
      idempotencyInterval: IDEMPOTENCY_INTERVAL,
      clock: options.now ?? Date.now,
      onEvent: (event) => {
        if (event.type === 'login') families.add(event.familyId);
        if (event.type === 'reuse-detected') reuseDetected++;
      },
    });
  let service = make();
  const wire = ({ accessToken, refreshToken, expiresIn }: IssuedTokens) => ({
    accessToken,
    refreshToken,
    expiresIn,
  });

  return {
    issue: async (user: string) => wire(await service.issue(user)),
    /** Rotates `presented`; `idempotencyKey` only when the server honours keys (else a retry is reuse). */
    async refresh(
      presented: string,
      idempotencyKey?: string,
    ): Promise<RefreshOutcome & { replayed?: boolean }> {
      const outcome = await service.refresh(presented, { idempotencyKey });
      if (outcome.ok) return { ok: true, tokens: wire(outcome.tokens), replayed: outcome.via !== 'rotation' };
      if (outcome.reason === 'reused') return { ok: false, error: 'reuse_detected' };
      if (outcome.reason === 'revoked') return { ok: false, error: 'revoked' };
      return { ok: false, error: 'invalid_grant' };
    },
    /** The user the access token belongs to, or undefined when it is invalid, expired or revoked. */
    async verify(token: string): Promise<string | undefined> {
      const check = await service.verify(token);
      return check.ok ? check.subject : undefined;
    },
    expireAccessTokens() {
      service = make();
    },
    /** Revokes every family. The SQLite store writes synchronously, so it is done when this returns. */
    async revokeAll() {
      const all = [...families];
      families.clear();
      await Promise.all(all.map((family) => service.revokeFamily(family)));
    },
    get reuseDetected() {
      return reuseDetected;
    },
    resetStats() {
      reuseDetected = 0;
    },
  };
}

export type TokenService = ReturnType<typeof createTokenService>;
