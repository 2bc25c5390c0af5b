/**
 * A random id, unique enough for idempotency keys and tab ids. Never a secret: a server binds an idempotency
 * key to the refresh token it came with, so a guessed key is worth nothing without that token.
 */
export const randomId = (): string => Math.random().toString(36).slice(2);
