import { createHash, randomBytes } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';
import type { DemoDatabase } from './db.js';

const sha256 = (token: string) => createHash('sha256').update(token).digest('base64url');

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

interface RefreshRow {
  family: string;
  user_id: number;
  expires_at: number;
  spent_at: number | null;
  revoked_at: number | null;
}

/**
 * Short-lived JWT access tokens (HS256, jose) and opaque refresh tokens that rotate on every use.
 * Presenting a spent refresh token again revokes its whole family (RFC 9700 reuse detection).
 */
export function createTokenService(db: DemoDatabase, options: { accessTtlMs: number; refreshTtlMs: number }) {
  const secret = randomBytes(32);
  const stats = { refreshCalls: 0, reuseDetected: 0, logins: 0 };
  // Raising the epoch invalidates every access token issued before (debug: expire tokens now).
  let epoch = 0;

  const insert = db.prepare(
    'INSERT INTO refresh_tokens (token_hash, family, user_id, expires_at) VALUES (?, ?, ?, ?)',
  );
  const find = db.prepare<[string], RefreshRow>(
    'SELECT family, user_id, expires_at, spent_at, revoked_at FROM refresh_tokens WHERE token_hash = ?',
  );
  const spend = db.prepare(
    'UPDATE refresh_tokens SET spent_at = ? WHERE token_hash = ? AND spent_at IS NULL',
  );
  const revokeFamily = db.prepare(
    'UPDATE refresh_tokens SET revoked_at = ? WHERE family = ? AND revoked_at IS NULL',
  );
  const revokeUser = db.prepare(
    'UPDATE refresh_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL',
  );

  async function issue(
    userId: number,
    family = randomBytes(12).toString('base64url'),
  ): Promise<IssuedTokens> {
    const refreshToken = randomBytes(32).toString('base64url');
    insert.run(sha256(refreshToken), family, userId, Date.now() + options.refreshTtlMs);
    const accessToken = await new SignJWT({ ep: epoch })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(String(userId))
      // A unique id: two tokens issued in the same second must still differ.
      .setJti(randomBytes(9).toString('base64url'))
      .setIssuedAt()
      .setExpirationTime(new Date(Date.now() + options.accessTtlMs))
      .sign(secret);
    return { accessToken, refreshToken, expiresIn: Math.max(1, Math.round(options.accessTtlMs / 1000)) };
  }

  /** Spends the presented token and issues the next of its family, atomically. */
  const rotate = db.transaction(
    (hash: string, now: number): RefreshResult | { ok: true; userId: number; family: string } => {
      const row = find.get(hash);
      if (!row) return { ok: false, error: 'invalid_grant' };
      if (row.revoked_at !== null) return { ok: false, error: 'token_revoked' };
      if (row.spent_at !== null) {
        stats.reuseDetected++;
        revokeFamily.run(now, row.family);
        return { ok: false, error: 'token_reused' };
      }
      if (row.expires_at <= now) return { ok: false, error: 'token_expired' };
      spend.run(now, hash);
      return { ok: true, userId: row.user_id, family: row.family };
    },
  );

  return {
    stats,
    async login(userId: number) {
      stats.logins++;
      return issue(userId);
    },
    async refresh(presented: string): Promise<RefreshResult> {
      stats.refreshCalls++;
      const outcome = rotate(sha256(presented), Date.now());
      if (!outcome.ok || !('family' in outcome)) return outcome as RefreshResult;
      return { ok: true, userId: outcome.userId, tokens: await issue(outcome.userId, outcome.family) };
    },
    async verifyAccess(token: string): Promise<AccessCheck> {
      try {
        const { payload } = await jwtVerify(token, secret, { algorithms: ['HS256'] });
        if (payload.ep !== epoch) return { ok: false, description: 'The access token has been invalidated' };
        return { ok: true, userId: Number(payload.sub) };
      } catch (error) {
        if (error instanceof errors.JWTExpired) return { ok: false, description: 'The access token expired' };
        return { ok: false, description: 'The access token is malformed or its signature is invalid' };
      }
    },
    /** Logout: the presented token's family can no longer refresh. */
    revoke(presented: string) {
      const row = find.get(sha256(presented));
      if (row) revokeFamily.run(Date.now(), row.family);
    },
    revokeUser(userId: number) {
      revokeUser.run(Date.now(), userId);
    },
    expireAccessTokens() {
      epoch++;
    },
    resetStats() {
      Object.assign(stats, { refreshCalls: 0, reuseDetected: 0, logins: 0 });
    },
  };
}

export type TokenService = ReturnType<typeof createTokenService>;
