export { ExpiryproofVueError } from './errors.js';
export {
  createExpiryproof,
  type ExpiryproofContext,
  type ExpiryproofOptions,
  expiryproofKey,
} from './plugin.js';
export { createReauthController, type ReauthController, type ReauthState } from './reauth-controller.js';
export { type DraftControls, type DraftOptions, useDraft } from './use-draft.js';
export { type ReauthHandle, useReauth } from './use-reauth.js';
export { type SessionHandle, useSession } from './use-session.js';
