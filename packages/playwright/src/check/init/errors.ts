/**
 * `expiryproof init` could not do its job for a reason the person must fix (a bad argument, an app that does
 * not answer, no login form, a refused sign-in). The command prints the message alone and exits 2.
 */
export class InitError extends Error {
  override name = 'InitError';
}
