import {
  type AccessFailureReason,
  createTokenService as createService,
  generateSigningKey,
  type HmacSigningKey,
  type RefreshFailureReason,
  type TokenService as Service,
  type IssuedTokens as ServiceTokens,
} from '@expiryproof/server';
import { createSqliteStore } from '@expiryproof/server/sqlite';
import type { DemoDatabase } from './db.js';

export interface IssuedTokens {
  accessToken: string;
  refreshToken: string;
  /** Seconds until the access token expires. */
  expiresIn: number;
}

export type RefreshResult =
  | { ok: true; userId: number; tokens: IssuedTokens }
  | { ok: false; error: 'invalid_grant' | 'token_reused' | 'token_revoked' | 'token_expired' };

export type AccessCheck = { ok: true; userId: number } | { ok: false; description: string };

export interface DemoTokenOptions {
  accessTtlMs: number;
  refreshTtlMs: number;
  /**
   * @expiryproof/server's grace rule for a refresh token presented again soon after its rotation. The demo
   * runs strict (0) by default so that its lazy client shows the race the audit is built to catch.
   */
  reuseIntervalMs?: number;
}

const REFUSALS: Record<RefreshFailureReason | 'rate-limited', Exclude<RefreshResult, { ok: true }>['error']> =
  {
    unknown: 'invalid_grant',
    reused: 'token_reused',
    revoked: 'token_revoked',
    expired: 'token_expired',
    'rate-limited': 'invalid_grant',
  };

const DESCRIPTIONS: Record<AccessFailureReason, string> = {
  expired: 'The access token expired',
  revoked: 'The access token was revoked (its session was logged out)',
  invalid: 'The access token is malformed or its signature is invalid',
};

/** The demo's wire shape (it predates the package's `tokenType`/`expiresAt`, which the client ignores). */
const wire = ({ accessToken, refreshToken, expiresIn }: ServiceTokens): IssuedTokens => ({
  accessToken,
  refreshToken,
  expiresIn,
});

/**
 * The demo's tokens, on `@expiryproof/server` (rotation, reuse detection, logout that also refuses the
 * family's access tokens) with its SQLite store in the demo's own database, plus the debug levers the tests
 * use and the counters they read.
 */
export function createTokenService(db: DemoDatabase, options: DemoTokenOptions) {
  const store = createSqliteStore({ database: db });
  const stats = { refreshCalls: 0, reuseDetected: 0, logins: 0 };
  let current = generateSigningKey('HS256');
  // Keys retired by expireAccessTokens, newest first: they tell an invalidated token from a forged one.
  let retiredKeys: HmacSigningKey[] = [];
  const make = (keys: HmacSigningKey[]): Service =>
    createService({
      store,
      keys,
      accessTtl: options.accessTtlMs,
      refreshTtl: options.refreshTtlMs,
      reuseInterval: options.reuseIntervalMs ?? 0,
      onEvent: (event) => {
        if (event.type === 'reuse-detected') stats.reuseDetected++;
      },
    });
  // The service knows only the current key: replacing it (expireAccessTokens) invalidates every access
  // token signed before, at once, while refresh tokens (in the store) stay good.
  let service = make([current]);
  let retired: Service | undefined;
  const activeFamilies = db.prepare<[string], { family_id: string }>(
    'SELECT family_id FROM ep_families WHERE subject = ? AND revoked_at IS NULL',
  );

  return {
    stats,
    async login(userId: number) {
      stats.logins++;
      return wire(await service.issue(String(userId)));
    },
    async refresh(presented: string): Promise<RefreshResult> {
      stats.refreshCalls++;
      const outcome = await service.refresh(presented);
      if (!outcome.ok) return { ok: false, error: REFUSALS[outcome.reason] };
      return { ok: true, userId: Number(outcome.subject), tokens: wire(outcome.tokens) };
    },
    async verifyAccess(token: string): Promise<AccessCheck> {
      const check = await service.verify(token);
      if (check.ok) return { ok: true, userId: Number(check.subject) };
      if (check.reason === 'invalid' && retired && (await retired.verify(token)).ok)
        return { ok: false, description: 'The access token has been invalidated' };
      return { ok: false, description: DESCRIPTIONS[check.reason] };
    },
    /** Logout: the presented token's family can no longer refresh, and its access tokens are refused. */
    async revoke(presented: string) {
      await service.logout(presented);
    },
    /** Debug lever: every session of the user ends (the dead-refresh path). */
    async revokeUser(userId: number) {
      for (const { family_id } of activeFamilies.all(String(userId))) await service.revokeFamily(family_id);
    },
    /** Debug lever: every access token issued so far stops working; the next API call gets 401. */
    expireAccessTokens() {
      retiredKeys = [current, ...retiredKeys].slice(0, 16);
      retired = make(retiredKeys);
      current = generateSigningKey('HS256');
      service = make([current]);
    },
    resetStats() {
      Object.assign(stats, { refreshCalls: 0, reuseDetected: 0, logins: 0 });
    },
  };
}

export type TokenService = ReturnType<typeof createTokenService>;
