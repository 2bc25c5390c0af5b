/**
 * `@expiryproof/server`: the server half of token expiry. Framework-free: a token service, a store
 * interface, RFC 6750 answers as pure functions and a fetch-style handler. The stores are entries of their
 * own, so this one never loads a database driver: `@expiryproof/server/sqlite`, `/postgres` and `/redis`.
 */
export {
  type Authentication,
  type AuthHandler,
  type AuthHandlerOptions,
  createAuthHandler,
  type LoginCredentials,
} from './http/auth-handler.js';
export { type BearerCredentials, readBearer } from './http/bearer.js';
export {
  type BearerError,
  bearerChallenge,
  type HttpAnswer,
  invalidCredentials,
  invalidGrant,
  invalidRequest,
  invalidToken,
  jsonAnswer,
  missingToken,
  tokenAnswer,
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
  TokenEvent,
  VerifyOutcome,
} from './types.js';
