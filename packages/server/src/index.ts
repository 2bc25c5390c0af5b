/**
 * `@expiryproof/server`: the server half of token expiry. Framework-free: a token service, a store
 * interface, RFC 6750 answers as pure functions, a fetch-style handler (refresh token in the body or in a
 * CSRF-protected cookie; login throttling and a per-family refresh rate limit) and a password verifier. The stores are entries of their
 * own, so this one never loads a database driver: `@expiryproof/server/sqlite`, `/postgres` and `/redis`.
 */
export type { LoginThrottleOptions } from './guards/login-throttle.js';
export type { RefreshRateLimitOptions } from './guards/refresh-rate-limit.js';
export {
  createMemoryThrottleStore,
  type MemoryThrottleStoreOptions,
  type ThrottleRecord,
  type ThrottleStore,
} from './guards/throttle-store.js';
export {
  type AuthCookieOptions,
  type Authentication,
  type AuthHandler,
  type AuthHandlerOptions,
  createAuthHandler,
  type LoginCredentials,
} from './http/auth-handler.js';
export { type BearerCredentials, readBearer } from './http/bearer.js';
export type { RequestContext } from './http/forwarded.js';
export {
  type BearerError,
  bearerChallenge,
  type CsrfFailure,
  csrfRefused,
  type HttpAnswer,
  invalidCredentials,
  invalidGrant,
  invalidRequest,
  invalidToken,
  jsonAnswer,
  missingToken,
  tokenAnswer,
  tooManyRequests,
  toResponse,
} from './http/semantics.js';
export {
  type EcSigningKey,
  type EcVerificationKey,
  generateSigningKey,
  type HmacSigningKey,
  type JsonWebKeySet,
  type KeyMaterial,
  type SigningKey,
} from './keys.js';
export {
  createPasswordVerifier,
  hashPassword,
  type PasswordAccount,
  type PasswordVerifierOptions,
  type ScryptParameters,
} from './password.js';
export type {
  NewRefreshToken,
  RefreshTokenStore,
  Revocation,
  RotationResult,
  RotationStep,
  StoredRefreshToken,
} from './store.js';
export { createTokenService, type TokenService, type TokenServiceOptions } from './token-service.js';
export type {
  AccessFailureReason,
  Clock,
  IssuedTokens,
  RefreshFailureReason,
  RefreshOutcome,
  RefreshVia,
  RevocationReason,
  RotationGate,
  TokenEvent,
  VerifyOutcome,
} from './types.js';
