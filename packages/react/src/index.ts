export { createReauthController, type ReauthController, type ReauthState } from './reauth-controller.js';
export { ReauthDialog, type ReauthDialogProps } from './reauth-dialog.js';
export { SessionProvider, type SessionProviderProps, useSession } from './session-context.js';
export { type DraftControls, type DraftOptions, useDraft } from './use-draft.js';
export { type ReauthHandle, useReauth } from './use-reauth.js';
