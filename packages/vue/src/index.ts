// The controller is framework-free and lives in core (shared with React and Angular); re-exported so an app
// imports its Vue pieces from one place.
export { createReauthController, type ReauthController, type ReauthState } from '@expiryproof/core/reauth';
export { ExpiryproofVueError } from './errors.js';
export {
  createExpiryproof,
  type ExpiryproofContext,
  type ExpiryproofOptions,
  expiryproofKey,
} from './plugin.js';
export { type DraftControls, type DraftOptions, useDraft } from './use-draft.js';
export { type ReauthHandle, useReauth } from './use-reauth.js';
export { type SessionHandle, useSession } from './use-session.js';
