export {
  ConfigurationError,
  ExpiryproofError,
  type ExpiryReason,
  HttpStatusError,
  InvalidTokensError,
  RefreshTimeoutError,
  SessionExpiredError,
  SessionWarning,
  UnreplayableBodyError,
} from './errors.js';
export type {
  EngineOptions,
  Exchange,
  FailureKind,
  ReauthContext,
  RefreshContext,
  RefreshReason,
  Session,
  SessionEvent,
  SessionEventMap,
  SessionOptions,
  SessionStatus,
  TabLocks,
  TokenStorage,
  Tokens,
} from './session/types.js';
export { memoryStorage } from './storage/memory.js';
export { type WebStorageOptions, webStorage } from './storage/web-storage.js';
