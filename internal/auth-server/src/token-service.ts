import { createHash, createSecretKey, randomBytes } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';

/** Opaque random string, URL-safe. */
export const randomToken = (bytes = 32) => randomBytes(bytes).toString('base64url');
const hash = (token: string) => createHash('sha256').update(token).digest('base64url');

export interface IssuedTokens {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

export type RefreshOutcome =
  | { ok: true; tokens: IssuedTokens }
  | { ok: false; error: 'invalid_grant' | 'reuse_detected' | 'revoked' };

interface RefreshRecord {
  family: string;
  user: string;
  spent: boolean;
}

export interface TokenServiceOptions {
  accessTtlMs: number;
  format: 'jwt' | 'opaque';
  /** The server's clock (epoch ms): tokens are issued and judged by it. Default `Date.now`; tests skew it. */
  now?: () => number;
}

/**
 * Access tokens (JWT or opaque) and rotating refresh tokens with reuse detection: presenting a spent
 * refresh token revokes its whole family, as RFC 9700 recommends. Refresh tokens are stored hashed.
 */
export function createTokenService(options: TokenServiceOptions) {
  // A KeyObject rather than bytes: it is recognised whatever realm the test environment gives Uint8Array.
  const secret = createSecretKey(randomBytes(32));
  const refreshTokens = new Map<string, RefreshRecord>();
  const revokedFamilies = new Set<string>();
  const opaque = new Map<string, { user: string; expiresAt: number; epoch: number }>();
  // Bumping the epoch expires every access token issued before, without waiting for the clock.
  let epoch = 0;
  let reuseDetected = 0;
  const now = options.now ?? Date.now;

  async function issueAccess(user: string): Promise<string> {
    if (options.format === 'opaque') {
      const token = randomToken();
      opaque.set(token, { user, expiresAt: now() + options.accessTtlMs, epoch });
      return token;
    }
    const at = now();
    return new SignJWT({ ep: epoch, jti: randomToken(8) })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(user)
      .setIssuedAt(Math.floor(at / 1000))
      .setExpirationTime(new Date(at + options.accessTtlMs))
      .sign(secret);
  }

  async function issue(user: string, family = randomToken(12)): Promise<IssuedTokens> {
    const refreshToken = randomToken();
    refreshTokens.set(hash(refreshToken), { family, user, spent: false });
    return {
      accessToken: await issueAccess(user),
      refreshToken,
      expiresIn: Math.round(options.accessTtlMs / 1000),
    };
  }

  return {
    issue,
    async refresh(presented: string): Promise<RefreshOutcome> {
      const record = refreshTokens.get(hash(presented));
      if (!record) return { ok: false, error: 'invalid_grant' };
      if (revokedFamilies.has(record.family)) return { ok: false, error: 'revoked' };
      if (record.spent) {
        reuseDetected++;
        revokedFamilies.add(record.family);
        return { ok: false, error: 'reuse_detected' };
      }
      record.spent = true;
      return { ok: true, tokens: await issue(record.user, record.family) };
    },
    /** The user the access token belongs to, or undefined when it is invalid or expired. */
    async verify(token: string): Promise<string | undefined> {
      if (options.format === 'opaque') {
        const entry = opaque.get(token);
        return entry && entry.expiresAt > now() && entry.epoch === epoch ? entry.user : undefined;
      }
      try {
        const { payload } = await jwtVerify(token, secret, {
          algorithms: ['HS256'],
          currentDate: new Date(now()),
        });
        return payload.ep === epoch ? payload.sub : undefined;
      } catch {
        return undefined;
      }
    },
    expireAccessTokens() {
      epoch++;
    },
    revokeAll() {
      for (const record of refreshTokens.values()) revokedFamilies.add(record.family);
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
