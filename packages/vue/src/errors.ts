/** Why a composable could not run: `no-plugin` (no `app.use(createExpiryproof(...))` above it) or `no-reauth`. */
export class ExpiryproofVueError extends Error {
  override readonly name = 'ExpiryproofVueError';
  /** Which piece of set-up is missing. */
  readonly code: 'no-plugin' | 'no-reauth';
  constructor(code: 'no-plugin' | 'no-reauth', message: string) {
    super(`expiryproof: ${message}`);
    this.code = code;
  }
}
