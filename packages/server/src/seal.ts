import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { IssuedTokens } from './types.js';

const INFO = 'expiryproof/server: successor of a refresh token, v1';
const VERSION = 'v1.';

/** AES-256 key derived from the refresh token itself: only who holds the token can open what it sealed. */
const keyOf = (token: string) => Buffer.from(hkdfSync('sha256', token, '', INFO, 32));

/**
 * Seals the answer a rotation gave, to be stored on the spent (parent) token. The key is derived from the
 * parent token (HKDF-SHA256), the parent's hash is the additional data: the store holds neither, so a copy
 * of it opens nothing, while a racer presenting the parent token can open exactly that answer.
 */
export function seal(parentToken: string, parentHash: string, answer: IssuedTokens): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyOf(parentToken), iv);
  cipher.setAAD(Buffer.from(parentHash));
  const body = Buffer.concat([cipher.update(JSON.stringify(answer), 'utf8'), cipher.final()]);
  return VERSION + Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
}

/** Opens a sealed answer; `undefined` when it was not sealed under this token (or was tampered with). */
export function unseal(parentToken: string, parentHash: string, sealed: string): IssuedTokens | undefined {
  if (!sealed.startsWith(VERSION)) return undefined;
  const bytes = Buffer.from(sealed.slice(VERSION.length), 'base64url');
  if (bytes.length < 12 + 16 + 2) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyOf(parentToken), bytes.subarray(0, 12));
    decipher.setAAD(Buffer.from(parentHash));
    decipher.setAuthTag(bytes.subarray(bytes.length - 16));
    const text = Buffer.concat([decipher.update(bytes.subarray(12, bytes.length - 16)), decipher.final()]);
    const value: unknown = JSON.parse(text.toString('utf8'));
    return isIssuedTokens(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function isIssuedTokens(value: unknown): value is IssuedTokens {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.accessToken === 'string' &&
    typeof v.refreshToken === 'string' &&
    v.tokenType === 'Bearer' &&
    typeof v.expiresIn === 'number' &&
    typeof v.expiresAt === 'number'
  );
}
