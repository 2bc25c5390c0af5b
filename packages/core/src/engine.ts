/**
 * `@expiryproof/core/engine`: the session without the page integration (no cross-tab coordination, no
 * renewal on visible/online/wake). For workers, React Native, Node and embeds, where those cannot run
 * or are not wanted; everything else is the same as the default entry.
 */
import { ConfigurationError } from './errors.js';
import { createEngine } from './session/create-engine.js';
import type { EngineOptions, Session, SessionOptions } from './session/types.js';

export * from './shared-exports.js';

/** Creates a single-tab session. See `createSession` of `@expiryproof/core` for the request cycle. */
export function createSession(options: EngineOptions): Session {
  // Asked for from plain JavaScript, these would silently do nothing here.
  const { crossTab, renewOn } = (options ?? {}) as SessionOptions;
  if (crossTab || renewOn) {
    throw new ConfigurationError('crossTab and renewOn need the default entry, @expiryproof/core');
  }
  return createEngine(options);
}
