// The controller is framework-free and lives in core, shared with @expiryproof/vue; React re-exports it so
// that existing imports from '@expiryproof/react' keep working.
export { createReauthController, type ReauthController, type ReauthState } from '@expiryproof/core/reauth';
