import { createHash, randomBytes } from 'node:crypto';

const REFRESH_TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** A new refresh token: 256 random bits, base64url (43 characters). */
export const newRefreshToken = (): string => randomBytes(32).toString('base64url');

/** Whether a string could be one of our refresh tokens (checked before any lookup). */
export const isRefreshTokenShaped = (value: string): boolean => REFRESH_TOKEN.test(value);

/** A random identifier (families, JWT ids, key ids): 128 bits, base64url. */
export const newId = (): string => randomBytes(16).toString('base64url');

/** SHA-256, base64url: how refresh tokens and idempotency keys are stored. */
export const sha256 = (value: string): string => createHash('sha256').update(value).digest('base64url');
