import type { AccessTokens } from './access-tokens.js';
import { newRefreshToken, sha256 } from './secrets.js';
import type { NewRefreshToken } from './store.js';
import type { IssuedTokens } from './types.js';

/** A new pair for a family: the answer to give, and the refresh token's record (its hash only) to store. */
export interface Minted {
  tokens: IssuedTokens;
  record: NewRefreshToken;
}

/** Makes token pairs; stores nothing. */
export function createMinter(access: AccessTokens, accessTtl: number, refreshTtl: number) {
  const expiresIn = Math.max(1, Math.round(accessTtl / 1000));
  return async (subject: string, familyId: string, now: number): Promise<Minted> => {
    const refreshToken = newRefreshToken();
    const { token, expiresAt } = await access.sign(subject, familyId, now);
    return {
      tokens: { accessToken: token, refreshToken, tokenType: 'Bearer', expiresIn, expiresAt },
      record: { hash: sha256(refreshToken), familyId, subject, issuedAt: now, expiresAt: now + refreshTtl },
    };
  };
}

export type Mint = ReturnType<typeof createMinter>;
