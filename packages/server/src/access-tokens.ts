import { decodeProtectedHeader, errors, type JWTPayload, jwtVerify, SignJWT } from 'jose';
import type { KeyRing } from './keys.js';
import { newId } from './secrets.js';
import type { AccessFailureReason, Clock } from './types.js';

/** RFC 9068's media type for JWT access tokens: an ID token or another JWT cannot pass as one. */
const TYP = 'at+jwt';
/** Longer than any token we issue: refuse to parse megabytes. */
const MAX_LENGTH = 8192;

export interface AccessTokenOptions {
  ring: KeyRing;
  ttl: number;
  clock: Clock;
  issuer: string | undefined;
  audience: string | undefined;
}

export type AccessCheck =
  | { ok: true; subject: string; familyId: string; claims: JWTPayload }
  | { ok: false; reason: Exclude<AccessFailureReason, 'revoked'> };

/** Signs and checks access tokens (signature, `kid`, `typ`, `exp`, `iss`, `aud`); knows nothing of stores. */
export function createAccessTokens({ ring, ttl, clock, issuer, audience }: AccessTokenOptions) {
  return {
    /** A token for `subject` in family `familyId`, signed by the newest key, and its expiry (ms, whole seconds). */
    async sign(
      subject: string,
      familyId: string,
      now: number,
    ): Promise<{ token: string; expiresAt: number }> {
      const iat = Math.floor(now / 1000);
      const exp = Math.floor((now + ttl) / 1000);
      const jwt = new SignJWT({ sid: familyId })
        .setProtectedHeader({ alg: ring.signer.alg, kid: ring.signer.kid, typ: TYP })
        .setSubject(subject)
        .setJti(newId())
        .setIssuedAt(iat)
        .setExpirationTime(exp);
      if (issuer !== undefined) jwt.setIssuer(issuer);
      if (audience !== undefined) jwt.setAudience(audience);
      return { token: await jwt.sign(ring.signer.signWith), expiresAt: exp * 1000 };
    },

    async verify(token: string): Promise<AccessCheck> {
      if (token.length > MAX_LENGTH) return { ok: false, reason: 'invalid' };
      let kid: string | undefined;
      try {
        kid = decodeProtectedHeader(token).kid;
      } catch {
        return { ok: false, reason: 'invalid' };
      }
      const key = kid === undefined ? undefined : ring.find(kid);
      if (!key) return { ok: false, reason: 'invalid' };
      try {
        const { payload } = await jwtVerify(token, key.verifyWith, {
          algorithms: [key.alg],
          typ: TYP,
          currentDate: new Date(clock()),
          requiredClaims: ['exp', 'sub', 'sid'],
          ...(issuer === undefined ? {} : { issuer }),
          ...(audience === undefined ? {} : { audience }),
        });
        if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string') {
          return { ok: false, reason: 'invalid' };
        }
        return { ok: true, subject: payload.sub, familyId: payload.sid, claims: payload };
      } catch (error) {
        return { ok: false, reason: error instanceof errors.JWTExpired ? 'expired' : 'invalid' };
      }
    },
  };
}

export type AccessTokens = ReturnType<typeof createAccessTokens>;
